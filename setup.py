"""The Nguồn distribution: source information system for Vietnam's grassroots information network.

``profiles/`` and ``policies/`` live at the top of the repository, where operators look for
them; ``src/nguon/profiles`` and ``src/nguon/policies`` are symbolic links to them, so they
ship inside the package as ``nguon.profiles`` and ``nguon.policies`` (the build copies the
linked folders) and GenericSetup finds the profiles as ``nguon:default`` in a checkout and in
an installed wheel alike.
"""

from setuptools import find_packages
from setuptools import setup


setup(
    name="nguon",
    version="1.0.0.dev0",
    description="Nguồn: hệ thống thông tin nguồn cho thông tin cơ sở",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="GPL-2.0-only",
    python_requires=">=3.11,<3.12",
    package_dir={"": "src"},
    packages=find_packages("src"),
    include_package_data=True,
    zip_safe=False,
    install_requires=[
        "Plone",
        "plone.api",
        "plone.restapi",
        "collective.solr",
        "collective.monkeypatcher",
        "cryptography",
        # nguon.messaging: publish and receive broadcast alerts through Mosquitto (MQTT 5).
        "paho-mqtt",
        # nguon.webpush: alerts pushed to the citizen app's phones (VAPID, RFC 8030/8291/8292).
        "pywebpush",
        # nguon.cap: XML-DSig of CAP 1.2 alerts.
        "signxml",
        "python-dateutil",
        # nguon.feedback: due dates in Vietnamese working days (Tết included).
        "holidays",
        # nguon.feedback: a self-hosted proof-of-work challenge on the public forms.
        "altcha",
        "ftw.upgrade",
        "Pillow",
        "fontpkg-be-vietnam-pro",
        "pypdf",
        "python-docx",
        "openpyxl",
        "reportlab",
        "PyYAML",
        "requests",
        "tqdm",
        "setuptools>=75,<82",
        "vietnam-provinces",
        "polib",
        "waitress",
        # nguon-cluster: the ZODB on PostgreSQL (history-free, blobs in the database). The
        # binary driver: RelStorage's [postgresql] extra would build psycopg2 from source.
        "RelStorage",
        "psycopg2-binary",
    ],
    extras_require={
        # make lint: ruff (lint and format), pre-commit, towncrier (news/ -> CHANGES.md).
        "lint": [
            "ruff",
            "pre-commit",
            "towncrier",
        ],
        "test": [
            "ruff",
            "pre-commit",
            "towncrier",
            "pytest",
            "pytest-plone",
            "plone.app.testing",
            "plone.app.contenttypes[test]",
            "zc.buildout",
            "plone.recipe.zope2instance",
            "selenium",
            "hypothesis",
            "aiosmtpd",
            # tests/openapi: the OpenAPI document's validation and the run against the site.
            "openapi-spec-validator",
            "schemathesis",
        ],
        # make bench-ledger: the PostgreSQL driver of tests/bench/bench_ledger.py only.
        "bench": [
            "psycopg[binary]",
        ],
    },
    entry_points={
        "z3c.autoinclude.plugin": ["target = plone"],
        "console_scripts": [
            "nguon-start = nguon.instance.cli:start",
            "nguon-compile-translations = nguon.i18n:compile_command",
            "nguon-i18n-sync = nguon.i18n:sync_command",
            "nguon-units = nguon.units.cli:main",
            "nguon-search = nguon.search.cli:main",
            "nguon-sync = nguon.sync.cli:main",
            "nguon-station = nguon.station.cli:main",
            "nguon-radio-keys = nguon.radio.cli:main",
            "nguon-cap-keys = nguon.alerts.cli:main",
            "nguon-outbox = nguon.outbox.cli:main",
            "nguon-cap-ingest = nguon.alerts.ingest.cli:main",
            "nguon-feedback-keys = nguon.feedback.cli:main",
            "nguon-cluster = nguon.cluster.cli:main",
            "nguon-export = nguon.exportimport.cli:export_main",
            "nguon-import = nguon.exportimport.cli:import_main",
        ],
    },
)
