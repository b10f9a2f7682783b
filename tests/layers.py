"""plone.testing layers as pytest fixtures, set up once and torn down when no longer needed.

pytest-plone's ``fixtures_factory`` either keeps every layer set up for the whole session —
and then layers that share a base see one another's database (a tree layer would see the demo's
units) — or sets a layer up again for every test. This does what zope.testrunner does: it
keeps one stack of layers, tears down what the next test's layer does not need, sets up what it
lacks, and runs each layer's per-test set-up and tear-down around every test. Tests are sorted
by layer so that each layer is set up once.
"""
import pytest


def resolution_order(layer):
    """The layer's bases, bases first, then the layer; each once."""
    order = []
    for base in layer.__bases__:
        for item in resolution_order(base):
            if item not in order:
                order.append(item)
    order.append(layer)
    return order


class LayerStack:
    def __init__(self):
        self.active = []

    def activate(self, layer):
        wanted = resolution_order(layer)
        for active in reversed(list(self.active)):
            if active not in wanted:
                active.tearDown()
                self.active.remove(active)
        for needed in wanted:
            if needed not in self.active:
                needed.setUp()
                self.active.append(needed)
        return wanted

    def close(self):
        for active in reversed(self.active):
            active.tearDown()
        self.active = []


STACK = LayerStack()
REGISTERED = []  # fixture names, in the order tests run


def layer_fixture(layer, name):
    """A pytest fixture named ``name`` giving ``layer``, ready for one test."""
    REGISTERED.append(name)

    @pytest.fixture(name=name)
    def fixture():
        order = STACK.activate(layer)
        for item in order:
            if hasattr(item, "testSetUp"):
                item.testSetUp()
        try:
            yield layer
        finally:
            for item in reversed(order):
                if hasattr(item, "testTearDown"):
                    item.testTearDown()

    return fixture


def sort_by_layer(items):
    """Group the tests by the layer fixture they use, tests without a layer first."""
    def key(item):
        names = getattr(item, "fixturenames", ())
        used = [REGISTERED.index(name) for name in names if name in REGISTERED]
        return min(used) + 1 if used else 0

    items.sort(key=key)
