"""TOTP enrolment and verification (django-otp)."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from elshi.audit.log import record
from elshi.missions.forms import TotpForm


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP device if the person has none; otherwise ask for a code."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device, _created = TOTPDevice.objects.get_or_create(
            user=request.user, confirmed=False, defaults={"name": "authenticator"}
        )
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            form.add_error(
                "token", _("Too many wrong codes in a row: wait a few seconds, then try the newest code.")
            )
        elif device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                if enrolling:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    record(request.user, "user.2fa_enrolled", device)
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication verified."))
            return redirect("home")
        else:
            form.add_error(
                "token", _("That code is not valid. Check your device's clock and try the newest code.")
            )
    context = {"form": form, "enrolling": enrolling}
    if enrolling:
        context["qr_svg"] = _qr_svg(device.config_url)
        context["secret"] = device.config_url.split("secret=")[1].split("&")[0]
    return render(request, "missions/two_factor.html", context)
