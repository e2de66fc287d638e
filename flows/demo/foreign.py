"""Non-English comments (Spanish, German, French, Portuguese): a few percent of real feedback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    """One language's area words and sentences by tone; ``{x}`` is the area word."""

    code: str
    areas: dict[str, str]
    negative: tuple[str, ...]
    mixed: tuple[str, ...]
    positive: tuple[str, ...]
    asks: tuple[str, ...]


SPANISH = Language(
    "es",
    {"reporting": "los informes", "export": "la exportación", "search": "la búsqueda",
     "import": "la importación", "mobile": "la app móvil", "notifications": "las notificaciones",
     "integrations": "la integración con Salesforce", "sso": "el inicio de sesión", "billing": "la facturación",
     "api": "la API", "permissions": "los permisos", "onboarding": "el onboarding"},
    ("{x} no funciona desde la última actualización.", "Muy lento, {x} tarda muchísimo.",
     "Estamos pensando en cancelar la suscripción.", "Demasiado caro para lo que ofrece.",
     "El soporte tarda días en responder."),
    ("Está bien en general, pero {x} podría mejorar.", "Cumple, aunque a veces {x} falla."),
    ("¡Excelente herramienta! {x} nos ahorra mucho tiempo.", "Muy contentos con el equipo de soporte.",
     "Fácil de usar y muy completo."),
    ("Nos gustaría poder exportar a Excel.", "Falta una app móvil que funcione sin conexión."),
)  # fmt: skip

GERMAN = Language(
    "de",
    {"reporting": "die Berichte", "export": "der Export", "search": "die Suche", "import": "der Import",
     "mobile": "die App", "notifications": "die Benachrichtigungen", "integrations": "die Salesforce-Anbindung",
     "sso": "der SSO-Login", "billing": "die Abrechnung", "api": "die API", "permissions": "die Berechtigungen",
     "onboarding": "das Onboarding"},
    ("Seit dem letzten Update funktioniert {x} nicht mehr.", "Viel zu langsam, {x} lädt ewig.",
     "Wir überlegen zu kündigen.", "Zu teuer für den Funktionsumfang.",
     "Der Support antwortet erst nach Tagen."),
    ("Insgesamt ok, aber {x} ist verbesserungswürdig.", "Solide, nur {x} macht oft Probleme."),
    ("Super Tool, {x} spart uns viel Zeit.", "Sehr zufrieden mit dem Support.",
     "Einfach zu bedienen, klare Empfehlung."),
    ("Bitte einen Excel-Export einbauen.", "Wir brauchen SCIM für die Benutzerverwaltung."),
)  # fmt: skip

FRENCH = Language(
    "fr",
    {"reporting": "les rapports", "export": "l'export", "search": "la recherche", "import": "l'import",
     "mobile": "l'application mobile", "notifications": "les notifications",
     "integrations": "l'intégration Salesforce", "sso": "la connexion SSO", "billing": "la facturation",
     "api": "l'API", "permissions": "les droits d'accès", "onboarding": "l'onboarding"},
    ("Depuis la dernière mise à jour, {x} ne marche plus.", "Trop lent, {x} met une éternité à charger.",
     "Nous envisageons de résilier.", "Trop cher pour ce que c'est.",
     "Le support met des jours à répondre."),
    ("Correct dans l'ensemble, mais {x} laisse à désirer.", "Ça fait le travail, même si {x} bugue parfois."),
    ("Excellent outil, {x} nous fait gagner beaucoup de temps.", "Très satisfaits du support.",
     "Simple et efficace, je recommande."),
    ("Il manque un export Excel.", "Un mode hors ligne sur mobile serait top."),
)  # fmt: skip

PORTUGUESE = Language(
    "pt",
    {"reporting": "os relatórios", "export": "a exportação", "search": "a busca", "import": "a importação",
     "mobile": "o app", "notifications": "as notificações", "integrations": "a integração com o Salesforce",
     "sso": "o login com SSO", "billing": "o faturamento", "api": "a API", "permissions": "as permissões",
     "onboarding": "o onboarding"},
    ("Desde a última atualização {x} não funciona.", "Muito lento, {x} demora demais.",
     "Estamos pensando em cancelar.", "Caro demais pelo que entrega.",
     "O suporte demora dias para responder."),
    ("No geral é bom, mas {x} precisa melhorar.", "Atende, mas {x} às vezes falha."),
    ("Ferramenta excelente, {x} economiza muito tempo.", "Muito satisfeitos com o suporte.",
     "Fácil de usar, recomendo."),
    ("Seria ótimo exportar para Excel.", "Precisamos de um modo offline no app."),
)  # fmt: skip

LANGUAGES = (SPANISH, GERMAN, FRENCH, PORTUGUESE)
