"""Import before great_expectations: a government system with no internet sends no usage analytics."""

import os

os.environ["GX_ANALYTICS_ENABLED"] = "false"
