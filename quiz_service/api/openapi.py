"""The OpenAPI 3.1 document of the JSON API, served at /api/openapi.json.

Written by hand, next to the views, and kept honest by tests/test_api.py: the document must be
valid OpenAPI, list exactly the API's routes, and every response the tests get must match the
schema documented for it.
"""

from __future__ import annotations

from typing import Any

API_VERSION = "1.0.0"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


def _path_param(name: str, kind: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


NOT_SIGNED_IN = _json(_ref("Fout"), "Niet ingelogd.")
NOT_FOUND = _json(_ref("Fout"), "Niet gevonden, of niet van u.")
FORBIDDEN = _json(_ref("Fout"), "Geen toegang met deze rol.")
DATE_TIME = {"type": "string", "format": "date-time"}
DATE = {"type": "string", "format": "date"}

QUESTION_TYPE = {"type": "string", "enum": ["een-antwoord", "meerdere-antwoorden", "waar-onwaar"]}

ATTEMPT: dict[str, Any] = {
    "id": {"type": "integer"},
    "toets_sleutel": {"type": "string"},
    "versie": {"type": "string"},
    "status": {"type": "string", "enum": ["bezig", "ingeleverd"]},
    "gestart_op": DATE_TIME,
    "ingeleverd_op": _nullable("string", format="date-time"),
    "aantal_vragen": {"type": "integer", "minimum": 1},
    "aantal_goed": _nullable("integer", minimum=0),
    "score_procent": _nullable("integer", minimum=0, maximum=100),
    "geslaagd": _nullable("boolean"),
}

SCHEMAS: dict[str, Any] = {
    "Fout": _object({"fout": {"type": "string"}, "status": {"type": "integer"}}),
    "ToetsSamenvatting": _object(
        {
            "titel": {"type": "string"},
            "aantal_vragen": {"type": "integer", "minimum": 1},
            "versie": {"type": "string", "description": "Inhoudshash van de toets."},
        }
    ),
    "Les": _object(
        {
            "nummer": {"type": "integer", "minimum": 1},
            "titel": {"type": "string"},
            "url": {"type": "string", "description": "Pad van de les op de portal."},
        }
    ),
    "Cursus": _object(
        {
            "slug": {"type": "string"},
            "toets_sleutel": {"type": "string"},
            "titel": {"type": "string"},
            "beschrijving": {"type": "string"},
            "doelgroep": {"type": "string", "enum": ["mantelzorger", "professional", "beide"]},
            "slaaggrens_procent": {"type": "integer", "minimum": 1, "maximum": 100},
            "oefenvragen": {
                "type": "boolean",
                "description": "Oefenvragen zonder examen en zonder certificaat.",
            },
            "max_pogingen": _nullable("integer", minimum=1),
            "geldigheid_maanden": _nullable("integer", minimum=1),
            "laatst_gecontroleerd": {"type": "string"},
            "lessen": {"type": "array", "items": _ref("Les")},
            "toets": {"oneOf": [_ref("ToetsSamenvatting"), {"type": "null"}]},
        }
    ),
    "ZiektebeeldToets": _object(
        {
            "slug": {"type": "string"},
            "toets_sleutel": {"type": "string"},
            "pagina": {"type": "string"},
            "titel": {"type": "string"},
            "aantal_vragen": {"type": "integer", "minimum": 1},
            "versie": {"type": "string"},
        }
    ),
    "PogingSamenvatting": _object(ATTEMPT),
    "GesteldeVraag": _object(
        {
            "id": {"type": "string"},
            "type": QUESTION_TYPE,
            "vraag": {"type": "string"},
            "opties": {
                "type": "array",
                "items": _object({"id": {"type": "string"}, "tekst": {"type": "string"}}),
            },
        }
    ),
    "NagekekenVraag": _object(
        {
            "id": {"type": "string"},
            "type": QUESTION_TYPE,
            "vraag": {"type": "string"},
            "goed": {"type": "boolean"},
            "opties": {
                "type": "array",
                "items": _object(
                    {
                        "id": {"type": "string"},
                        "tekst": {"type": "string"},
                        "juist": {"type": "boolean"},
                        "uitleg": {"type": "string"},
                        "gekozen": {"type": "boolean"},
                    }
                ),
            },
        }
    ),
    "Poging": _object(
        {
            **ATTEMPT,
            "vragen": {
                "description": "Bij een open poging zonder de juiste antwoorden; bij een "
                "ingeleverde poging met de juiste antwoorden en de uitleg.",
                "oneOf": [
                    {"type": "array", "items": _ref("GesteldeVraag")},
                    {"type": "array", "items": _ref("NagekekenVraag")},
                ],
            },
        }
    ),
}

STATUS = {"type": "string", "enum": ["niet gestart", "bezig", "geslaagd", "te laat", "verlopen"]}

SCHEMAS.update(
    {
        "Geslaagd": _object(
            {
                "certificaatcode": {"type": "string"},
                "behaald_op": DATE,
                "score_procent": {"type": "integer", "minimum": 0, "maximum": 100},
                "cursusversie": {"type": "string"},
                "geldig_tot": _nullable("string", format="date"),
            }
        ),
        "CursusVoortgang": _object(
            {
                "cursus": {"type": "string"},
                "titel": {"type": "string"},
                "status": STATUS,
                "lessen_gelezen": {"type": "integer", "minimum": 0},
                "lessen_totaal": {"type": "integer", "minimum": 0},
                "pogingen": {"type": "integer", "minimum": 0},
                "beste_score_procent": _nullable("integer", minimum=0, maximum=100),
                "toegewezen": {"type": "boolean"},
                "deadline": _nullable("string", format="date"),
                "geslaagd": {
                    "description": "De geldige of verlopen pas; anders null.",
                    "oneOf": [_ref("Geslaagd"), {"type": "null"}],
                },
            }
        ),
        "MijnVoortgang": _object(
            {
                "cursussen": {"type": "array", "items": _ref("CursusVoortgang")},
                "ziektebeelden": {
                    "type": "array",
                    "items": _object(
                        {
                            "toets": {"type": "string"},
                            "titel": {"type": "string"},
                            "pogingen": {"type": "integer", "minimum": 0},
                            "beste_score_procent": _nullable("integer", minimum=0, maximum=100),
                        }
                    ),
                },
            }
        ),
        "TeamVoortgang": _object(
            {
                "team": _object({"id": {"type": "integer"}, "naam": {"type": "string"}}),
                "organisatie": {"type": "string"},
                "toewijzingen": {
                    "type": "array",
                    "items": _object(
                        {
                            "cursus": {"type": "string"},
                            "titel": {"type": "string"},
                            "deadline": _nullable("string", format="date"),
                        }
                    ),
                },
                "aantallen": {
                    "description": "Per cursus: hoeveel leden elke status hebben.",
                    "type": "object",
                    "additionalProperties": {
                        "type": "object",
                        "propertyNames": STATUS,
                        "additionalProperties": {"type": "integer", "minimum": 0},
                    },
                },
                "leden": {
                    "type": "array",
                    "items": _object(
                        {
                            "id": {"type": "integer"},
                            "naam": {"type": "string"},
                            "e-mailadres": {"type": "string"},
                            "cursussen": {"type": "array", "items": _ref("CursusVoortgang")},
                        }
                    ),
                },
            }
        ),
    }
)

PATHS: dict[str, Any] = {
    "/api/v1/cursussen": {
        "get": {
            "operationId": "cursussen",
            "summary": "Alle cursussen met hun lessen en toets (zonder vragen).",
            "responses": {
                "200": _json({"type": "array", "items": _ref("Cursus")}, "De cursussen.")
            },
        }
    },
    "/api/v1/cursussen/{slug}": {
        "get": {
            "operationId": "cursus",
            "summary": "Eén cursus.",
            "parameters": [_path_param("slug", "string")],
            "responses": {"200": _json(_ref("Cursus"), "De cursus."), "404": NOT_FOUND},
        }
    },
    "/api/v1/toetsen": {
        "get": {
            "operationId": "ziektebeeldtoetsen",
            "summary": "De toetsen bij ziektebeelden (zonder vragen).",
            "responses": {
                "200": _json({"type": "array", "items": _ref("ZiektebeeldToets")}, "De toetsen.")
            },
        }
    },
    "/api/v1/pogingen": {
        "get": {
            "operationId": "mijnPogingen",
            "summary": "Mijn pogingen, nieuwste eerst. Alleen met een account.",
            "responses": {
                "200": _json({"type": "array", "items": _ref("PogingSamenvatting")}, "Pogingen."),
                "401": NOT_SIGNED_IN,
            },
        }
    },
    "/api/v1/pogingen/{poging_id}": {
        "get": {
            "operationId": "poging",
            "summary": "Eén poging van mij (ook een poging zonder account in deze sessie).",
            "parameters": [_path_param("poging_id", "integer")],
            "responses": {"200": _json(_ref("Poging"), "De poging."), "404": NOT_FOUND},
        }
    },
}


SCHEMAS.update(
    {
        "Zoekresultaten": _object(
            {
                "zoekvraag": {"type": "string"},
                "aantal": {"type": "integer", "minimum": 0},
                "pagina": {"type": "integer", "minimum": 1},
                "paginas": {"type": "integer", "minimum": 1},
                "verbeterd_naar": _nullable("string"),
                "bedoelde_u": _nullable("string"),
                "resultaten": {
                    "type": "array",
                    "items": _object(
                        {
                            "titel": {"type": "string"},
                            "url": {"type": "string"},
                            "soort": {
                                "type": "string",
                                "enum": [
                                    "artikel",
                                    "ziektebeeld",
                                    "les",
                                    "organisatie",
                                    "bijeenkomst",
                                ],
                            },
                            "fragment": {"type": "string"},
                            "datum": _nullable("string"),
                            "gemeenten": {"type": "array", "items": {"type": "string"}},
                        }
                    ),
                },
                "facetten": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "object",
                        "additionalProperties": {"type": "integer"},
                    },
                },
            }
        )
    }
)

PATHS["/api/zoeken"] = {
    "get": {
        "operationId": "zoeken",
        "summary": "Zoeken in de artikelen, ziektebeelden, lessen, sociale kaart en bijeenkomsten.",
        "parameters": [
            {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
            for name in ("q", "soort", "gemeente", "doelgroep", "ziektebeeld", "pagina")
        ],
        "responses": {"200": _json(_ref("Zoekresultaten"), "De resultaten.")},
    }
}

PATHS.update(
    {
        "/api/v1/voortgang": {
            "get": {
                "operationId": "mijnVoortgang",
                "summary": "Mijn voortgang per cursus en per toets. Alleen met een account.",
                "responses": {
                    "200": _json(_ref("MijnVoortgang"), "Mijn voortgang."),
                    "401": NOT_SIGNED_IN,
                },
            }
        },
        "/api/v1/teams/{team_id}/voortgang": {
            "get": {
                "operationId": "teamVoortgang",
                "summary": "De voortgang van een team: voor de teamleider van de eigen "
                "organisatie en de beheerder.",
                "parameters": [_path_param("team_id", "integer")],
                "responses": {
                    "200": _json(_ref("TeamVoortgang"), "Het team, per lid en per cursus."),
                    "401": NOT_SIGNED_IN,
                    "403": FORBIDDEN,
                    "404": NOT_FOUND,
                },
            }
        },
    }
)


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Mantelzorgacademie Flevoland",
            "version": API_VERSION,
            "description": "Cursussen, toetsen, pogingen en voortgang. Alleen lezen. "
            "Wat van een persoon is, vraagt een ingelogde sessie (cookie). Antwoorden van "
            "een toets staan er pas in als de poging is ingeleverd.",
        },
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"sessie": {"type": "apiKey", "in": "cookie", "name": "session"}},
        },
    }
