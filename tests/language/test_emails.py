"""The emails the portal sends (CKAN core's password reset, invitation and activity digest;
the extension sends none of its own) are written in Spanish, the visitor's language, or
English when asked from /en/. Real messages through a real SMTP server on 127.0.0.1."""
from __future__ import annotations

import pytest

from ckan.tests import factories
from ckan.tests.helpers import call_action

from .smtp_sink import SmtpSink

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.fixture
def smtp(monkeypatch, ckan_config):
    with SmtpSink() as sink:
        monkeypatch.setitem(ckan_config, "smtp.server", sink.address)
        monkeypatch.setitem(ckan_config, "smtp.starttls", False)
        monkeypatch.setitem(ckan_config, "smtp.user", "")
        yield sink


def _body(message) -> str:
    return message.get_content()


def _dataset(owner_org: str, user: dict) -> dict:
    return factories.Dataset(
        user=user, owner_org=owner_org, license_id="cc-by",
        title_translated={"es": "Puntos de acceso wifi gratuito"},
        notes_translated={"es": "Ubicación de los puntos de acceso público a internet."},
        theme=["GOVE"], frequency="ANNUAL",
        contact=[{"name": "Dirección de Datos", "email": "datos@mintel.example.gob"}])


def test_password_reset_email_is_spanish(app, smtp, ckan_config):
    user = factories.User(name="ana", email="ana@mintel.example.gob")

    app.post("/user/reset", data={"user": "ana@mintel.example.gob"}, status=200)

    message = smtp.only_message()
    body = _body(message)
    assert message["To"].addresses[0].addr_spec == user["email"]
    assert message["Subject"] == f"Restablezca su contraseña - {ckan_config['ckan.site_title']}"
    assert body.startswith("Estimado/a ana:\n")
    assert "Se solicitó restablecer la contraseña de su cuenta" in body
    assert f"{ckan_config['ckan.site_url']}/user/reset/{user['id']}?key=" in body
    assert "Que tenga un buen día." in body


def test_password_reset_asked_for_in_english_is_english(app, smtp, ckan_config):
    factories.User(name="ana", email="ana@mintel.example.gob")

    app.post("/en/user/reset", data={"user": "ana"}, status=200)

    message = smtp.only_message()
    assert message["Subject"] == f"Reset your password - {ckan_config['ckan.site_title']}"
    assert "You have requested your password" in _body(message)


def test_invitation_email_is_spanish(app, smtp, ckan_config):
    sysadmin = factories.SysadminWithToken()
    organization = factories.Organization(name="mintel", title="Ministerio de Telecomunicaciones")

    app.post("/organization/member_new/mintel",
             data={"email": "nuevo@mintel.example.gob", "role": "editor"},
             headers={"Authorization": sysadmin["token"]}, status=200)

    message = smtp.only_message()
    body = _body(message)
    assert message["Subject"] == f"Invitación a {ckan_config['ckan.site_title']}"
    assert "Ha recibido una invitación a" in body
    assert (f"Se le agregó a {organization['title']} (organización) con el rol: Editor."
            in body)
    assert "Para aceptar la invitación, establezca su contraseña en:" in body


@pytest.mark.ckan_config("ckan.activity_streams_email_notifications", True)
def test_activity_digest_sent_from_cron_is_spanish(smtp, ckan_config):
    """`ckan notify send_emails` calls the action outside any request (as here)."""
    author = factories.User()
    organization = factories.Organization(users=[{"name": author["name"], "capacity": "editor"}])
    dataset = _dataset(organization["id"], author)
    follower = factories.User(activity_streams_email_notifications=True)
    call_action("follow_dataset", {"user": follower["name"]}, id=dataset["id"])
    call_action("package_patch", {"user": author["name"]}, id=dataset["id"], version="2.0")

    call_action("send_email_notifications", {"ignore_auth": True})

    message = smtp.only_message()
    body = _body(message)
    site_title = ckan_config["ckan.site_title"]
    assert message["Subject"] == f"1 nueva actividad en {site_title}"
    assert f"Tiene 1 actividad nueva en su panel de {site_title}." in body
    assert "Para ver su panel, haga clic en este enlace:" in body
    assert "Puede desactivar estas notificaciones por correo electrónico" in body
    assert f"{ckan_config['ckan.site_url']}/dashboard/" in body
