from . import iran_holiday_import
