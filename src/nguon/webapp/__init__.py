"""The citizen web app (issue 20): the installable PWA built from ``webapp/`` (Vite and
Workbox, ``make webapp``) into ``static/`` and served at ``<site>/ung-dung/``. docs/app.md."""
