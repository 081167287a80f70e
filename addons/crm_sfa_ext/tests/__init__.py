from . import (
    test_competitor,
    test_contact_history,
    test_forecast,
    test_i18n,
    test_target,
    test_tour,
    test_visit_plan,
)
