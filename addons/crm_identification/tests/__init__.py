from . import test_segment
