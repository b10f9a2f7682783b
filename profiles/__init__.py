"""GenericSetup profiles of Nguồn, shipped inside the package as ``nguon.profiles``."""
