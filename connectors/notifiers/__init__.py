"""Notifications to WeCom group robots (企业微信群机器人通知).

Typical use::

    from connectors import notifiers

    result = notifiers.notify(notifiers.notice_bonus_issued("2025-12", content_hash))
    result.status  # sent / failed / skipped / suppressed

Modules: :mod:`.messages` (Notice and the Chinese markdown builders), :mod:`.routing` (tiers →
channels from ``routing.yml``), :mod:`.wecom` (webhook from the environment, one POST, secret
scrubbing), :mod:`.delivery` (dedupe, retries, the JSON-lines log in ``<alerts_dir>/wecom_log.jsonl``).
"""

from connectors.notifiers.delivery import ChannelDelivery, DeliveryResult, Notifier, notify
from connectors.notifiers.messages import (
    Notice,
    notice_bonus_calculated,
    notice_bonus_issued,
    notice_bonus_reopened,
    notice_dept_bonus_warning,
    notice_quality_failure,
    notice_run_failure,
    run_failure_tier,
)
from connectors.notifiers.routing import Routing, RoutingError, load_routing
from connectors.notifiers.wecom import WeComError, scrub

__all__ = [
    "ChannelDelivery",
    "DeliveryResult",
    "Notice",
    "Notifier",
    "Routing",
    "RoutingError",
    "WeComError",
    "load_routing",
    "notice_bonus_calculated",
    "notice_bonus_issued",
    "notice_bonus_reopened",
    "notice_dept_bonus_warning",
    "notice_quality_failure",
    "notice_run_failure",
    "notify",
    "run_failure_tier",
    "scrub",
]
