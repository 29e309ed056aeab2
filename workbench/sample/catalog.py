"""The planted themes, in a fixed order (the order is part of what a seed produces)."""
from __future__ import annotations

from . import phrases_account, phrases_praise, phrases_product
from .theme import STAGES, Theme

__all__ = ["EMERGING", "FADING", "STAGES", "THEMES", "THEME_BY_KEY", "Theme"]

_ORDER = ["slow_dashboards", "confusing_onboarding", "salesforce_sync", "slack_notifications", "billing_surprises",
          "slow_support", "sso_permissions", "mobile_app", "data_export", "renewal_pricing", "legacy_editor_migration",
          "ai_assistant_errors", "helpful_csm_support", "ease_of_use", "automation_time_savings", "ops_visibility"]
_ALL = {t.key: t for t in [*phrases_product.THEMES, *phrases_account.THEMES, *phrases_praise.THEMES]}
THEMES = [_ALL[key] for key in _ORDER]
THEME_BY_KEY = {t.key: t for t in THEMES}
EMERGING = [t.key for t in THEMES if t.lifecycle == "emerging"]
FADING = [t.key for t in THEMES if t.lifecycle == "fading"]
