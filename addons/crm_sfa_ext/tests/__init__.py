from . import (
    test_competitor,
    test_contact_history,
    test_forecast,
    test_i18n,
    test_target,
    test_visit_plan,
)
from . import test_tour
