"""Returns: eligibility from the order's items and the policy window, then a return authorisation."""

from __future__ import annotations

from datetime import timedelta

from trustdesk.bot.context import Order, OrderItem, OrderStatus
from trustdesk.bot.intents import Intent
from trustdesk.bot.orders import access_order
from trustdesk.bot.slots import choose_items
from trustdesk.bot.state import Awaiting, BotEvent
from trustdesk.bot.turn import TurnBuilder


def returnable_items(t: TurnBuilder, order: Order) -> tuple[OrderItem, ...] | None:
    """The items that can still be returned, or None after explaining why nothing can be."""
    policy = t.ctx.retailer.return_policy()
    delivered = order.delivered_on
    if order.status in (OrderStatus.CANCELLED, OrderStatus.RETURNED):
        t.say("cancel_nothing", number=order.number, status=t.text(f"order_{order.status.value}"))
        return None
    if delivered is None or order.status is not OrderStatus.DELIVERED:
        t.say("return_not_delivered", number=order.number, window_days=policy.window_days)
        return None
    deadline = delivered + timedelta(days=policy.window_days)
    if t.ctx.now.date() > deadline:
        t.say(
            "return_window_closed",
            window_days=policy.window_days,
            number=order.number,
            deadline=t.date(deadline),
        )
        return None
    items = tuple(i for i in order.items if i.returnable)
    if not items:
        t.say("return_nothing_returnable", number=order.number)
        return None
    return items


def start_return(t: TurnBuilder, text: str, order: Order | None) -> None:
    """Begin a return: explain the policy, then list returnable items or confirm the only one."""
    if t.state.slot("return_reason") is None:
        t.state = t.state.with_slots(return_reason=text[:200])
    if order is None:
        return
    items = returnable_items(t, order)
    if items is None:
        t.update(awaiting=Awaiting.NOTHING)
        return
    if len(items) == 1:
        _confirm(t, order, items)
        return
    choices = "; ".join(f"{n}. {i.name}" for n, i in enumerate(items, start=1))
    t.say("return_choose", choices=choices)
    t.wait_for(Awaiting.RETURN_ITEMS, Intent.RETURN_ITEM)


def say_policy(t: TurnBuilder) -> None:
    """One line on the return window, plus the policy link when the tenant has one."""
    policy = t.ctx.retailer.return_policy()
    free = t.text("return_policy_free") if policy.free_returns else ""
    t.say("return_policy", window_days=policy.window_days, free=free)
    if policy.policy_url:
        t.say("return_policy_link", url=policy.policy_url)


def choose_return_items(t: TurnBuilder, text: str) -> bool:
    """Handle the reply to 'which items?'; False when nothing recognisable was chosen."""
    order = access_order(t, Intent.RETURN_ITEM)
    if order is None:
        return True
    items = returnable_items(t, order)
    if items is None:
        t.update(awaiting=Awaiting.NOTHING)
        return True
    chosen = choose_items(text, items)
    if not chosen:
        return False
    _confirm(t, order, chosen)
    return True


def _confirm(t: TurnBuilder, order: Order, items: tuple[OrderItem, ...]) -> None:
    t.state = t.state.with_slots(return_skus=",".join(i.sku for i in items))
    names = ", ".join(i.name for i in items)
    t.say("return_confirm", items=names, number=order.number)
    t.wait_for(Awaiting.CONFIRM_RETURN, Intent.RETURN_ITEM)


def confirm_return(t: TurnBuilder, yes: bool) -> None:
    """Act on the customer's yes/no to the return summary."""
    t.update(awaiting=Awaiting.NOTHING)
    if not yes:
        t.state = t.state.with_slots(return_skus=None)
        t.say("return_cancelled")
        return
    order = access_order(t, Intent.RETURN_ITEM)
    if order is None:
        return
    items = returnable_items(t, order)
    wanted = set((t.state.slot("return_skus") or "").split(","))
    skus = tuple(i.sku for i in items or () if i.sku in wanted)
    if not skus:
        return
    authorisation = t.ctx.retailer.create_return_authorisation(
        order.number, skus, t.state.slot("return_reason")
    )
    t.event(BotEvent.RETURN_CREATED)
    t.state = t.state.with_slots(return_skus=None, return_reference=authorisation.reference)
    steps = " ".join(f"{n}) {step}" for n, step in enumerate(authorisation.next_steps, start=1))
    t.say("return_created", reference=authorisation.reference, steps=steps or "-")
    if authorisation.label_url:
        t.say("return_label", url=authorisation.label_url)
    if authorisation.send_by:
        t.say("return_send_by", date=t.date(authorisation.send_by))
