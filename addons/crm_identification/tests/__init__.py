from . import (
    test_basket_months,
    test_churn_clv_basket,
    test_credit_prospects,
    test_extra_figures,
    test_i18n,
    test_incremental_figures,
    test_rfm,
    test_sales_hooks,
    test_security,
    test_segment,
    test_tour,
)
