"""The shop's routes: 17TRACK's pushes, and an order's status."""

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from shop.models import Order
from track17_facade.contrib.django import async_webhook_view, webhook_view


def order(request: HttpRequest, number: str) -> JsonResponse:
    return JsonResponse({"status": get_object_or_404(Order, tracking_number=number).status})


urlpatterns = [
    path("webhooks/17track", webhook_view),
    # the same, for an ASGI deployment
    path("webhooks/17track/async", async_webhook_view),
    path("orders/<str:number>", order),
]
