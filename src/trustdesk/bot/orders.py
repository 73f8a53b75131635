"""Order flows: proof of ownership first, then status, tracking, cancellation, address, refunds.

Proof is either a signed-in session that owns the order, or the order number together with
the e-mail address on the order. Until then the bot says the same things whether or not the
order exists, and every failed look-up is counted and reported as an event.
"""

from __future__ import annotations

from datetime import date

from trustdesk.bot.context import Order, OrderStatus, RefundStatus
from trustdesk.bot.intents import Intent
from trustdesk.bot.slots import find_date, find_email, find_order_number, same_order_number
from trustdesk.bot.state import Awaiting, BotEvent, HandoffReason
from trustdesk.bot.turn import TurnBuilder, money

MAX_ORDER_LOOKUP_FAILURES = 3
RECENT_ORDERS = 5
_NOT_SHIPPED = {OrderStatus.PLACED, OrderStatus.PROCESSING, OrderStatus.ON_HOLD}


def take_order_slots(t: TurnBuilder, text: str) -> bool:
    """Store an order number and/or e-mail found in `text`; True if either was found. A signed-in
    customer choosing among their orders may name one by the day it was placed ("die vom 3. März")."""
    number = find_order_number(text)
    email = find_email(text)
    if number is None and t.ctx.customer is not None and t.state.awaiting is Awaiting.ORDER_NUMBER:
        number = _order_placed_on(t, find_date(text, t.lang, t.ctx.now.date()))
    if number:
        verified = t.state.verified_order
        if verified is None or not same_order_number(number, verified):
            # A different order needs its own proof.
            t.update(verified_order=None)
            t.state = t.state.with_slots(order_number=number, _proof=None)
    if email:
        t.state = t.state.with_slots(email=email)
    return bool(number or email)


def _order_placed_on(t: TurnBuilder, day: date | None) -> str | None:
    """The number of the signed-in customer's one recent order placed on `day`, if exactly one was."""
    if day is None or t.ctx.customer is None:
        return None
    orders = t.ctx.retailer.list_customer_orders(t.ctx.customer.customer_id, RECENT_ORDERS)
    placed = [o.number for o in orders if o.placed_on == day]
    return placed[0] if len(placed) == 1 else None


def access_order(t: TurnBuilder, flow: Intent) -> Order | None:
    """The order this conversation is about, if ownership is proven; otherwise ask for what's missing."""
    ctx = t.ctx
    state = t.state
    retailer = ctx.retailer
    number = state.slot("order_number")
    email = state.slot("email")
    if state.verified_order and (number is None or same_order_number(number, state.verified_order)):
        if state.slot("_proof") == "account" and ctx.customer is not None:
            order = retailer.find_customer_order(ctx.customer.customer_id, state.verified_order)
        elif email:
            order = retailer.find_order(state.verified_order, email)
        else:
            order = None
        if order is not None:
            return order
        t.update(verified_order=None)
    if ctx.customer is not None and (number is None or state.slot("_account_checked") != number):
        customer_id = ctx.customer.customer_id
        if number:
            order = retailer.find_customer_order(customer_id, number)
            if order is not None:
                t.update(verified_order=order.number)
                t.state = t.state.with_slots(order_number=order.number, _proof="account")
                return order
            t.state = t.state.with_slots(_account_checked=number)
            if not email:
                t.say("order_not_on_account")
                t.wait_for(Awaiting.ORDER_EMAIL, flow)
                return None
        else:
            orders = list(retailer.list_customer_orders(customer_id, RECENT_ORDERS))
            if len(orders) == 1:
                t.update(verified_order=orders[0].number)
                t.state = t.state.with_slots(order_number=orders[0].number, _proof="account")
                return orders[0]
            if not orders:
                t.say("no_orders_on_account")
            else:
                choices = "; ".join(
                    t.text("order_choice", number=o.number, placed_on=t.date(o.placed_on)) for o in orders
                )
                t.say("choose_order", choices=choices)
            t.wait_for(Awaiting.ORDER_NUMBER, flow)
            return None
    if not number:
        t.say("ask_order_number_after_email" if email else "ask_order_number")
        t.wait_for(Awaiting.ORDER_NUMBER, flow)
        return None
    if not email:
        t.say("ask_order_email")
        t.wait_for(Awaiting.ORDER_EMAIL, flow)
        return None
    if not ctx.order_lookups_allowed or state.order_lookup_failures >= MAX_ORDER_LOOKUP_FAILURES:
        t.event(BotEvent.ORDER_LOOKUP_REFUSED)
        t.state = t.state.with_slots(order_number=None, email=None)
        t.say("order_lookup_limit")
        t.update(awaiting=Awaiting.NOTHING)
        return None
    order = retailer.find_order(number, email)
    if order is None:
        t.event(BotEvent.ORDER_LOOKUP_FAILED)
        t.update(order_lookup_failures=state.order_lookup_failures + 1)
        t.state = t.state.with_slots(order_number=None, email=None, _account_checked=None)
        t.say("order_not_matched")
        t.wait_for(Awaiting.ORDER_NUMBER, flow)
        return None
    t.event(BotEvent.ORDER_LOOKUP_SUCCEEDED)
    t.update(verified_order=order.number)
    t.state = t.state.with_slots(order_number=order.number, _proof="email")
    return order


def _status_line(t: TurnBuilder, order: Order) -> None:
    number = order.number
    placed = t.date(order.placed_on)
    ship_hint = ""
    if order.expected_ship_date is not None:
        ship_hint = " " + t.text("ship_hint", date=t.date(order.expected_ship_date))
    if order.status is OrderStatus.PLACED:
        t.say("status_placed", number=number, placed_on=placed, ship_hint=ship_hint)
    elif order.status is OrderStatus.PROCESSING:
        t.say("status_processing", number=number, placed_on=placed, ship_hint=ship_hint)
    elif order.status is OrderStatus.ON_HOLD:
        t.say("status_on_hold", number=number)
        t.state = t.state.with_slots(_pending_handoff=HandoffReason.UNANSWERED.value)
        t.wait_for(Awaiting.CONFIRM_HANDOFF)
    elif order.status is OrderStatus.CANCELLED:
        t.say("status_cancelled", number=number)
    elif order.status is OrderStatus.RETURNED:
        t.say("status_returned", number=number)
    else:
        _shipment_lines(t, order)


def _shipment_lines(t: TurnBuilder, order: Order) -> None:
    if order.status is OrderStatus.DELIVERED and order.delivered_on is not None:
        t.say("status_delivered", number=order.number, delivered_on=t.date(order.delivered_on))
        return
    for shipment in order.shipments:
        eta = ""
        if shipment.estimated_delivery is not None:
            eta = " " + t.text("eta", date=t.date(shipment.estimated_delivery))
        shipped_on = t.date(shipment.shipped_on) if shipment.shipped_on else t.text("shipped_recently")
        t.say(
            "status_shipped",
            number=order.number,
            shipped_on=shipped_on,
            carrier=shipment.carrier,
            tracking=shipment.tracking_number,
            eta=eta,
        )
        if shipment.tracking_url:
            t.say("tracking_link", url=shipment.tracking_url)
    if not order.shipments:
        t.say("status_processing", number=order.number, placed_on=t.date(order.placed_on), ship_hint="")


def answer_order(t: TurnBuilder, flow: Intent, order: Order) -> None:
    """Answer an order question once the order is proven."""
    if t.state.awaiting in (Awaiting.ORDER_NUMBER, Awaiting.ORDER_EMAIL, Awaiting.ORDER_CHOICE):
        t.update(awaiting=Awaiting.NOTHING)
    if flow is Intent.TRACK_SHIPMENT:
        if order.status in _NOT_SHIPPED:
            _status_line(t, order)
            if order.status is not OrderStatus.ON_HOLD:
                t.say("not_shipped_yet")
        elif order.status is OrderStatus.DELIVERED:
            _shipment_lines(t, order)
            t.say("delivered_missing_hint")
        else:
            _status_line(t, order)
    elif flow is Intent.CANCEL_ORDER:
        _offer_cancellation(t, order)
    elif flow is Intent.CHANGE_ADDRESS:
        if order.status in _NOT_SHIPPED:
            t.hand_off(HandoffReason.ADDRESS_CHANGE)
        elif order.status is OrderStatus.SHIPPED and order.shipments:
            t.say("address_too_late", number=order.number, carrier=order.shipments[0].carrier)
            if order.shipments[0].tracking_url:
                t.say("tracking_link", url=order.shipments[0].tracking_url)
        else:
            _status_line(t, order)
    elif flow is Intent.REFUND_STATUS:
        _refund_lines(t, order)
    elif flow is Intent.PAYMENT_ISSUE:
        t.say("payment_status", number=order.number, status=t.text(f"payment_{order.payment_status.value}"))
    else:
        _status_line(t, order)


def _offer_cancellation(t: TurnBuilder, order: Order) -> None:
    if order.status in _NOT_SHIPPED:
        items = ", ".join(f"{i.quantity} x {i.name}" for i in order.items)
        t.say("cancel_confirm", number=order.number, items=items)
        t.wait_for(Awaiting.CONFIRM_CANCEL, Intent.CANCEL_ORDER)
    elif order.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        t.say("cancel_too_late", number=order.number)
    else:
        t.say("cancel_nothing", number=order.number, status=t.text(f"order_{order.status.value}"))


def confirm_cancellation(t: TurnBuilder, yes: bool) -> None:
    """Act on the customer's yes/no to 'Shall I cancel the whole order?'."""
    t.update(awaiting=Awaiting.NOTHING)
    order = access_order(t, Intent.CANCEL_ORDER)
    if order is None:
        return
    if not yes:
        t.say("cancel_kept", number=order.number)
        return
    if order.status not in _NOT_SHIPPED:
        _offer_cancellation(t, order)
        return
    if t.ctx.retailer.request_cancellation(order.number):
        t.event(BotEvent.ORDER_CANCELLED)
        refund_days = t.ctx.retailer.return_policy().refund_days
        t.say("cancel_done", number=order.number, refund_days=refund_days)
    else:
        t.hand_off(HandoffReason.ORDER_ACTION_FAILED)


def _refund_lines(t: TurnBuilder, order: Order) -> None:
    if not order.refunds:
        t.say("refund_none", number=order.number, refund_days=t.ctx.retailer.return_policy().refund_days)
        return
    for refund in order.refunds:
        if refund.status is RefundStatus.ISSUED:
            issued = refund.issued_on or refund.created_on
            t.say(
                "refund_issued",
                amount=money(refund.amount, t.lang),
                number=order.number,
                date=t.date(issued),
                method=refund.method,
            )
        elif refund.status is RefundStatus.PENDING:
            t.say(
                "refund_pending",
                amount=money(refund.amount, t.lang),
                number=order.number,
                date=t.date(refund.created_on),
            )
        else:
            t.say("refund_failed", amount=money(refund.amount, t.lang), number=order.number)
