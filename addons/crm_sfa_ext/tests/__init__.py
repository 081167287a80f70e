from . import (
    test_competitor,
    test_contact_history,
    test_forecast,
    test_i18n,
    test_service_backoffice,
    test_service_contract,
    test_service_scheduler,
    test_service_security,
    test_service_tour,
    test_target,
    test_tour,
    test_visit_plan,
)
