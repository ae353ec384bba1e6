"""The API described as OpenAPI 3.1, served at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

STATUSES = ["created", "duplicate", "conflict", "quarantined", "rejected"]

# A day in a query, where an empty value means "not given" (as a page's
# filter form sends an empty field).
DAY_OR_EMPTY = {"type": "string", "anyOf": [{"format": "date"}, {"maxLength": 0}]}


def _error_reply(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


# Web push (pace_forms/push/api.py): the key, subscriptions, a device's waiting count.
_SUBSCRIPTION_BODY = {
    "required": True,
    "content": {"application/json": {"schema": {
        "type": "object",
        "description": "A respondent sends their survey link's token and purpose \"reminder\"; a signed-in member of staff "
                       "(X-CSRFToken) sends purpose \"follow-up\" (duty contacts) or \"outbox-waiting\".",
        "properties": {
            "token": {"type": "string"},
            "purpose": {"type": "string", "enum": ["reminder", "follow-up", "outbox-waiting"]},
            "subscription": {"type": "object", "required": ["endpoint", "keys"], "properties": {
                "endpoint": {"type": "string", "format": "uri"},
                "keys": {"type": "object", "required": ["p256dh", "auth"], "properties": {"p256dh": {"type": "string"}, "auth": {"type": "string"}}},
            }},
            "endpoint": {"type": "string", "format": "uri", "description": "DELETE: the subscription's endpoint"},
        },
    }}},
}
PUSH_PATHS: dict[str, Any] = {
    "/api/v1/push/key": {
        "get": {
            "operationId": "getPushKey",
            "summary": "The server's VAPID public key, to subscribe a browser with",
            "responses": {
                "200": {"description": "The key", "content": {"application/json": {"schema": {"type": "object", "required": ["public_key"], "properties": {"public_key": {"type": "string"}}}}}},
                "404": _error_reply("Push is not set up on this server (pace-forms vapid-keys)"),
            },
        }
    },
    "/api/v1/push/subscriptions": {
        "post": {
            "operationId": "subscribePush",
            "summary": "Subscribe a browser to notices: a respondent's one reminder, or a member of staff's notices",
            "requestBody": _SUBSCRIPTION_BODY,
            "responses": {
                "201": {"description": "Subscribed", "content": {"application/json": {"schema": {"type": "object"}}}},
                "400": _error_reply("Bad input, naming the field"),
                "401": _error_reply("Staff purposes need a signed-in session"),
                "403": _error_reply("Follow-up notices are for duty contacts only"),
                "404": _error_reply("The survey link is not known"),
                "409": _error_reply("The survey link is already answered or expired: nothing to remind of"),
            },
        },
        "delete": {
            "operationId": "unsubscribePush",
            "summary": "End a subscription (a respondent's with their token; staff only their own)",
            "requestBody": _SUBSCRIPTION_BODY,
            "responses": {
                "200": {"description": "Ended", "content": {"application/json": {"schema": {"type": "object", "properties": {"ended": {"type": "integer"}}}}}},
                "400": _error_reply("Bad input, naming the field"),
                "401": _error_reply("Not signed in"),
                "404": _error_reply("The survey link is not known"),
            },
        },
    },
    "/api/v1/push/outbox-waiting": {
        "post": {
            "operationId": "reportOutboxWaiting",
            "summary": "A signed-in worker's device says how many answers wait on it to be sent (a count, never content)",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": ["count"], "properties": {"count": {"type": "integer", "minimum": 0}}}}}},
            "responses": {
                "200": {"description": "Noted", "content": {"application/json": {"schema": {"type": "object", "properties": {"waiting": {"type": "integer"}}}}}},
                "400": _error_reply("Bad input, naming the field"),
                "401": _error_reply("Not signed in"),
            },
        }
    },
}

# An area's reviews (pace_forms/sync/reviews.py).
AREA_REVIEWS: dict[str, Any] = {
    "get": {
        "operationId": "listAreaReviews",
        "summary": "An area's reviews, newest first, with each invitation's status",
        "description": "Needs a signed-in session or `Authorization: Bearer <token>`; only the caller's areas.",
        "parameters": [
            {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "from", "in": "query", "required": False, "schema": {"type": "string", "format": "date"}, "description": "Reviews held on or after this date"},
            {"name": "to", "in": "query", "required": False, "schema": {"type": "string", "format": "date"}, "description": "Reviews held on or before this date"},
        ],
        "responses": {
            "200": {
                "description": "The reviews",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["reviews"],
                            "properties": {
                                "reviews": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["id", "child", "held_on", "kind", "invitations"],
                                        "properties": {
                                            "id": {"type": "integer"},
                                            "child": {"type": "string", "description": "The child's pseudonymous case reference"},
                                            "held_on": {"type": "string", "format": "date"},
                                            "kind": {"enum": ["planning", "first", "later", "permanence"]},
                                            "invitations": {
                                                "type": "array",
                                                "items": {
                                                    "type": "object",
                                                    "required": ["audience", "status"],
                                                    "properties": {
                                                        "audience": {"type": "string"},
                                                        "status": {"enum": ["invited", "opened", "answered", "expired"]},
                                                    },
                                                },
                                            },
                                        },
                                    },
                                }
                            },
                        }
                    }
                },
            },
            "400": _error_reply("from or to is not a date, or from is after to; `where` names it"),
            "401": _error_reply("Not signed in, and no valid API token"),
            "404": _error_reply("No such area, or not one of the caller's"),
        },
    }
}


def openapi_document(max_items: int, max_bytes: int) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "pace-forms API",
            "version": "1",
            "description": (
                "Offline devices send queued survey responses here. Each item carries an id made on the "
                "device; resending is always safe. See the sync contract in the project docs."
            ),
        },
        "paths": {
            "/api/v1/responses": {
                "post": {
                    "operationId": "postResponses",
                    "summary": "Store a batch of responses, exactly once each",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Batch"}}},
                    },
                    "responses": {
                        "200": {
                            "description": "One result per item, in the order sent",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Results"}}},
                        },
                        "400": _error_reply("The body is not JSON, or not a batch; `where` says where"),
                        "413": _error_reply(f"More than {max_items} items or {max_bytes} bytes"),
                        "415": _error_reply("The body is not sent as application/json"),
                        "503": _error_reply("The database is busy or briefly unavailable (code database_unavailable); nothing was half stored: send again after Retry-After seconds"),
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This description of the API (OpenAPI 3.1)",
                    "responses": {"200": {"description": "The document", "content": {"application/json": {"schema": {"type": "object", "required": ["openapi", "paths"]}}}}},
                }
            },
            "/api/v1/forms": {
                "get": {
                    "operationId": "listForms",
                    "summary": "The current form definitions",
                    "responses": {"200": {"description": "Forms", "content": {"application/json": {"schema": {"type": "object"}}}}},
                }
            },
            "/api/v1/areas/{code}/reviews": AREA_REVIEWS,
            "/api/v1/sealing-key": {
                "get": {
                    "operationId": "getSealingKey",
                    "summary": "The server's current public key for sealing answers on a device (kiosk mode)",
                    "description": "Public and cacheable (an hour). Seal an item with it as the Item's `sealed` form says. "
                    "Older keys stay accepted for PACE_SEALING_KEY_GRACE_DAYS after a newer one became current.",
                    "responses": {
                        "200": {
                            "description": "The current key",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SealingKey"}}},
                        },
                        "503": _error_reply("Sealing is not set up on this server (no key); answers cannot be sealed"),
                    },
                }
            },
            **PUSH_PATHS,
            "/api/v1/csrf-token": {
                "get": {
                    "operationId": "getCsrfToken",
                    "summary": "A fresh CSRF token for the signed-in session, to send as X-CSRFToken with kiosk-mode items",
                    "description": "Workers and admins. The outbox asks for one just before each batch that holds kiosk items: tokens expire, and the outbox keeps answers, never headers.",
                    "responses": {
                        "200": {"description": "The token", "content": {"application/json": {"schema": {"type": "object", "required": ["csrf_token"], "properties": {"csrf_token": {"type": "string"}}}}}},
                        "401": _error_reply("Not signed in (the session has ended): kiosk answers wait on the device"),
                        "403": _error_reply("A consultant: only workers and admins collect answers"),
                    },
                }
            },
            "/api/v1/forms/{key}": {
                "get": {
                    "operationId": "getForm",
                    "summary": "One form definition, with every question's answer values",
                    "parameters": [
                        {"name": "key", "in": "path", "required": True, "schema": {"type": "string"}},
                        {"name": "version", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}},
                        {"name": "lang", "in": "query", "required": False, "schema": {"type": "string"}, "description": "One of the form's languages"},
                    ],
                    "responses": {
                        "200": {
                            "description": "The form, with `sealing_key`: the current sealing key (as GET /api/v1/sealing-key gives it), or null when sealing is not set up",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "400": _error_reply("The version is not a whole number"),
                        "404": _error_reply("No such form, version or language"),
                    },
                }
            },
            "/api/v1/areas/{code}/measures": {
                "get": {
                    "operationId": "getAreaMeasures",
                    "summary": "An area's timescale measures (each aim's children, median, share within the aim, points in chart order, run-chart analysis) and balancing measures (per measure, period and respondent type: n, positive, positive_pct, suppressed; per measure its concern direction and a note where the figure is not the share positive: for B8 it is the share of comments negative)",
                    "description": "Consultants and admins of the area, signed in or with Authorization: Bearer <token>. Another area's code answers 404. The same figures as `pace-forms measures`.",
                    "parameters": [
                        {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}},
                        {"name": "as_of", "in": "query", "required": False, "schema": DAY_OR_EMPTY, "description": "Count steps completed by this date (default: today)"},
                        {"name": "baseline_before", "in": "query", "required": False, "schema": DAY_OR_EMPTY, "description": "Freeze each run chart's median on the points that ended before this date"},
                        {"name": "period", "in": "query", "required": False, "schema": {"enum": ["month", "quarter"]}, "description": "The balancing measures' period (default month)"},
                    ],
                    "responses": {
                        "200": {"description": "The area's figures", "content": {"application/json": {"schema": {"type": "object", "required": ["area", "as_of", "measures", "aim1_home_over_2y"]}}}},
                        "400": _error_reply("A date is not in the form YYYY-MM-DD, or the period is not month or quarter; `where` names the parameter"),
                        "401": _error_reply("Not signed in and no valid API token"),
                        "403": _error_reply("A worker: the measures hold child-level points"),
                        "404": _error_reply("No such area, or not one of yours"),
                    },
                }
            },
            "/api/v1/follow-ups": {
                "get": {
                    "operationId": "listFollowUps",
                    "summary": "Open safeguarding follow-ups you act on (duty contact of the area, worker who recorded the review, or admin), oldest first",
                    "description": "Signed in, or with Authorization: Bearer <token>. The child's reference and words are on the follow-up's page (url), not here.",
                    "responses": {
                        "200": {
                            "description": "Open follow-ups",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FollowUps"}}},
                        },
                        "401": _error_reply("Not signed in and no valid API token"),
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Batch": {
                    "type": "object",
                    "required": ["responses"],
                    "properties": {
                        "responses": {"type": "array", "maxItems": max_items, "items": {"$ref": "#/components/schemas/Item"}}
                    },
                },
                "Item": {"oneOf": [{"$ref": "#/components/schemas/PlainItem"}, {"$ref": "#/components/schemas/SealedItem"}]},
                "SealedItem": {
                    "type": "object",
                    "description": (
                        "A PlainItem sealed on the device: every field but `id` (and, in kiosk mode, `review`, "
                        "which must equal the one inside) is inside `sealed.ciphertext`. The server opens it and "
                        "handles it exactly as the plain item; a seal it cannot open is `rejected` with the field "
                        "(`sealed.kid`, `sealed.wrapped_key`, `sealed.iv`, `sealed.ciphertext`) and the reason."
                    ),
                    "required": ["id", "sealed"],
                    "additionalProperties": False,
                    "properties": {
                        "id": {"type": "string", "format": "uuid", "description": "Made on the device; also the AES-GCM additional authenticated data (its UTF-8 bytes)"},
                        "review": {"type": "integer", "description": "Kiosk mode: the review, so the worker's authority is checked before opening"},
                        "sealed": {
                            "type": "object",
                            "required": ["kid", "wrapped_key", "iv", "ciphertext"],
                            "properties": {
                                "kid": {"type": "string", "description": "The sealing key's id (GET /api/v1/sealing-key)"},
                                "wrapped_key": {"type": "string", "description": "base64url: a fresh AES-256 key, RSA-OAEP with SHA-256 under that key"},
                                "iv": {"type": "string", "description": "base64url: the 12-byte AES-GCM nonce"},
                                "ciphertext": {"type": "string", "description": "base64url: AES-256-GCM (tag appended) of the JSON object of the item's other fields"},
                            },
                        },
                    },
                },
                "SealingKey": {
                    "type": "object",
                    "required": ["kid", "jwk"],
                    "properties": {
                        "kid": {"type": "string"},
                        "jwk": {
                            "type": "object",
                            "description": "The public key as a JWK (kty RSA, alg RSA-OAEP-256, use enc, kid, n, e)",
                            "required": ["kty", "alg", "n", "e"],
                        },
                    },
                },
                "PlainItem": {
                    "type": "object",
                    "required": ["id", "form", "form_version", "submitted_at", "answers"],
                    "properties": {
                        "id": {"type": "string", "format": "uuid", "description": "Made on the device; the key for exactly-once"},
                        "form": {"type": "string"},
                        "form_version": {"type": "integer"},
                        "invitation": {"type": "string", "description": "The survey link's token"},
                        "review": {
                            "type": "integer",
                            "description": "Kiosk mode, instead of `invitation`: the review the answers were collected at. Counts only for a signed-in worker of the review's area or an admin, whose session sends X-CSRFToken (from GET /api/v1/csrf-token), or with their API token; otherwise `rejected`.",
                        },
                        "submitted_at": {"type": "string", "format": "date-time"},
                        "locale": {"type": "string", "maxLength": 35, "description": "A BCP 47 language tag such as en-GB or pl; anything else is quarantined."},
                        "answers": {"type": "object", "additionalProperties": True},
                    },
                },
                "Results": {
                    "type": "object",
                    "required": ["results"],
                    "properties": {"results": {"type": "array", "items": {"$ref": "#/components/schemas/Result"}}},
                },
                "Result": {
                    "type": "object",
                    "required": ["id", "status", "errors"],
                    "properties": {
                        "id": {"type": ["string", "null"]},
                        "status": {"enum": STATUSES},
                        "errors": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["field", "message"],
                                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                            },
                        },
                    },
                },
                "FollowUps": {
                    "type": "object",
                    "required": ["follow_ups"],
                    "properties": {
                        "follow_ups": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["id", "area", "reasons", "raised_at", "overdue", "url"],
                                "properties": {
                                    "id": {"type": "integer"},
                                    "area": {"type": "string"},
                                    "reasons": {"type": "array", "items": {"enum": ["asked_for_contact", "concern_words"]}},
                                    "raised_at": {"type": "string", "format": "date-time"},
                                    "overdue": {"type": "boolean", "description": "Not taken on within PACE_FOLLOW_UP_OVERDUE_HOURS"},
                                    "url": {"type": "string", "format": "uri", "description": "Its page, where it is taken on"},
                                },
                            },
                        }
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["status", "code", "message"],
                            "properties": {
                                "status": {"type": "integer"},
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                                "where": {"type": "string"},
                            },
                        }
                    },
                },
            }
        },
    }
