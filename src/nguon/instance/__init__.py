"""Running a Nguồn instance: settings from the environment, pre-flight checks, the WSGI
instance files under ``var/``, the site itself, and the ``nguon-start`` command."""
