"""plone.testing layers as pytest fixtures, with zope.pytestlayer.

zope.pytestlayer (the plugin is active as soon as it is installed) sets layers up as
zope.testrunner does: it sorts the tests by layer, keeps set up what the next test's layer
shares, tears down what it does not need, and runs each layer's per-test set-up and tear-down
around every test. Its fixtures exist per layer (session, class and function scope, for the
layer and each of its bases); ``layer_fixtures`` names each layer's function fixture as our
tests ask for it (``integration``, ``tree``, ...), on which pytest-plone's ``portal``, ``app``
and ``http_request`` build. The plugin knows a test's layer from ``item.layer`` (it was made
for unittest classes with a ``layer`` attribute); ``mark_layers`` sets it from the fixture the
test uses. Layers that share a base never see one another's database:
``tests/integration/test_isolation.py`` guards that.
"""

from zope.pytestlayer import fixture as pytestlayer

import pytest


NAMES = {}  # fixture name -> layer
LATE = []  # layers of test modules, whose fixtures are made after collection


def layer_fixtures(**layers):
    """{name: fixture}: the function fixture of each layer under its ``name``, with the
    fixtures of its bases (for a conftest's globals)."""
    fixtures = {}
    for name, layer in layers.items():
        NAMES[name] = layer
        fixtures.update(pytestlayer.create(layer, function_fixture_name=name))
    return fixtures


def layer_fixture(layer, name):
    """The fixture ``name`` giving ``layer``, for a test module that defines its own layer (an
    upgrade test's site as it was). zope.pytestlayer names fixtures after the layer's module,
    which is still being imported here, so the layer's fixtures are made once collection is
    over (``mark_layers``) and this one asks for them when a test runs."""
    NAMES[name] = layer
    LATE.append(layer)

    @pytest.fixture(name=name)
    def fixture(request):
        return request.getfixturevalue(pytestlayer.LAYERS[layer]["function"])

    return fixture


def mark_layers(session, items):
    """Give each test the layer of the layer fixture it uses (zope.pytestlayer reads it), and
    make the fixtures of the layers test modules define."""
    while LATE:
        pytestlayer.parsefactories(session, LATE.pop())
    for item in items:
        used = [
            NAMES[name] for name in getattr(item, "fixturenames", ()) if name in NAMES
        ]
        if used:
            item.layer = used[0]
