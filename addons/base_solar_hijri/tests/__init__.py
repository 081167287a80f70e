from . import (
    test_conversion,
    test_holidays,
    test_i18n,
    test_read_group,
    test_rendering,
    test_sale_pdf,
    test_settings,
    test_tours,
)
