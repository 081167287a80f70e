from . import (
    test_competitor,
    test_i18n,
    test_service_backoffice,
    test_service_complaint,
    test_service_contract,
    test_service_scheduler,
    test_service_security,
    test_service_tour,
)
