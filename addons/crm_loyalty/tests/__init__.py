from . import test_tier
