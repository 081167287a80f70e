from . import (
    test_assignment_rating,
    test_complaint,
    test_i18n,
    test_mail_intake,
    test_portal,
    test_remedy,
    test_security,
    test_service_signal,
    test_sla,
    test_tour,
)
