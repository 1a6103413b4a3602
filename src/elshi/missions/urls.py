"""People and administration: a person's account, 2FA and notifications; missions, roles, people, security."""

from __future__ import annotations

from django.urls import path

from elshi.missions import (
    account,
    audit_views,
    passwords,
    people_views,
    person_views,
    sso_views,
    twofactor,
    views,
)

urlpatterns = [
    path("account/", account.account, name="account"),
    path("account/tokens/<int:pk>/revoke/", account.revoke_token, name="revoke_token"),
    path("account/2fa/", twofactor.two_factor, name="two_factor"),
    path("mission/switch/", account.switch_mission, name="switch_mission"),
    path("settings/security/", account.security, name="security"),
    path("notifications/", account.notifications, name="notifications"),
    path("missions/", views.mission_list, name="mission_list"),
    path("missions/new/", views.mission_edit, name="mission_create"),
    path("missions/<slug:slug>/", views.mission_detail, name="mission_detail"),
    path("missions/<slug:slug>/edit/", views.mission_edit, name="mission_edit"),
    path("missions/<slug:slug>/roles/", views.mission_role, name="mission_role"),
    path("people/", people_views.people_list, name="people"),
    path("people/invite/", people_views.people_invite, name="people_invite"),
    path("people/invitations/<int:pk>/resend/", people_views.invitation_resend, name="invitation_resend"),
    path("people/invitations/<int:pk>/revoke/", people_views.invitation_revoke, name="invitation_revoke"),
    path("people/<int:pk>/", person_views.person_detail, name="person_detail"),
    path("people/<int:pk>/deactivate/", person_views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", person_views.person_reactivate, name="person_reactivate"),
    path("people/<int:pk>/unlock/", person_views.person_unlock, name="person_unlock"),
    path("invitation/<str:token>/", people_views.invitation_accept, name="invitation_accept"),
    path("account/password/", passwords.PasswordChangeView.as_view(), name="password_change"),
    path("account/password/done/", passwords.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password/reset/", passwords.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/", passwords.PasswordResetDoneView.as_view(), name="password_reset_done"
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        passwords.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/", passwords.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    # Single sign-on (answers 404 unless ELSHI_OIDC_ISSUER is set); the names are mozilla-django-oidc's.
    path("oidc/authenticate/", sso_views.SsoStart.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", sso_views.SsoCallback.as_view(), name="oidc_authentication_callback"),
    path("audit/", audit_views.audit_list, name="audit"),
    path("audit/verify/", audit_views.audit_verify, name="audit_verify"),
]
