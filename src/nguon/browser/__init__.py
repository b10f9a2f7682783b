"""Classic UI views of Nguồn."""
