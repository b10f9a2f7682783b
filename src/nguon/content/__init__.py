"""Content types of Nguồn: administrative units and the information items they publish."""
