"""Exception handlers: every error leaves as JSON `{code, message}` (+ `field`, `retry_after`).

Contract: nothing a client can send reaches the catch-all (500 `internal`); it exists so that a
real bug still answers JSON (and is logged with its traceback). Messages are plain words in
Chinese, for the floor staff who read them on a phone.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException
from starlette.routing import Match

from daemon.views import BadFile, ControlError, LoginRefused, Refused, TooMany

__all__ = [
    "FIELD_LABELS",
    "ApiError",
    "BodyTooLarge",
    "error_body",
    "error_response",
    "install_handlers",
    "too_large_message",
]

log = logging.getLogger("mall_pa.api")

FIELD_LABELS: Mapping[str, str] = {
    "kind": "类型",
    "name": "姓名",
    "honorific": "称呼",
    "place": "地点",
    "plate": "车牌号",
    "note": "备注",
    "urgent": "是否紧急",
    "password": "密码",
    "token": "设置口令",
    "script": "紧急广播稿",
    "audio": "录音文件",
    "state": "状态",
    "date": "日期",
    "page_id": "广播编号",
    "idempotency-key": "Idempotency-Key 请求头",
    "body": "请求内容",
}


class ApiError(Exception):
    """An error the HTTP layer itself raises (not signed in, CSRF, role, media type)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.status, self.code, self.message = status, code, message
        self.headers = dict(headers or {})
        self.field = field


class BodyTooLarge(HTTPException):
    """Raised from `receive` while a body streams past its limit (an HTTPException, so that
    FastAPI's body reader re-raises it instead of turning it into a 400)."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"body over {limit} bytes")
        self.limit = limit


def _clean(text: str) -> str:
    """Text safe to encode as UTF-8 (a lone surrogate from a client's JSON key becomes '?')."""
    return text.encode("utf-8", "replace").decode("utf-8")


def error_body(
    code: str, message: str, *, field: str | None = None, retry_after: int | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"code": _clean(code), "message": _clean(message)}
    if field:
        body["field"] = _clean(field)
    if retry_after is not None:
        body["retry_after"] = retry_after
    return body


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    field: str | None = None,
    retry_after: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    hdrs = dict(headers or {})
    if retry_after is not None and retry_after > 0:
        hdrs["Retry-After"] = str(retry_after)
    body = error_body(code, message, field=field, retry_after=retry_after)
    return JSONResponse(body, status_code=status, headers=hdrs)


def too_large_message(limit: int) -> str:
    size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
    return f"请求内容太大:最多 {size}"


def _is_json(request: Request) -> bool:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return ctype == "application/json" or ctype.endswith("+json")


# -- validation errors in words -----------------------------------------------------------------


def _field_of(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie") and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts) or "body"


def _label(field: str) -> str:
    return FIELD_LABELS.get(field.split(".")[-1], field)


def _describe(err: Mapping[str, Any], field: str) -> str:
    kind, ctx = str(err.get("type", "")), err.get("ctx") or {}
    label = _label(field)
    if field == "body" and kind in ("model_attributes_type", "model_type", "dict_type"):
        return "请求内容必须是一个 JSON 对象"
    if kind == "missing":
        return f"缺少「{label}」"
    if kind == "extra_forbidden":
        return f"不认识的字段「{field}」,请删去"
    if kind == "string_too_long":
        return f"「{label}」太长:最多 {ctx.get('max_length')} 个字"
    if kind == "string_too_short":
        return f"「{label}」不能为空"
    if kind in ("string_type", "str_type"):
        return f"「{label}」必须是文字"
    if kind in ("bool_type", "bool_parsing"):
        return f"「{label}」只能是 true 或 false"
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).replace("'", "")
        return f"「{label}」只能是:{expected.replace(' or ', '、').replace(', ', '、')}"
    if kind == "string_unicode":
        return f"「{label}」含有无效的字符"
    if kind == "string_pattern_mismatch":
        return f"「{label}」格式不对"
    if kind == "value_error" and ctx.get("error") is not None:
        return f"「{label}」{ctx['error']}"
    return f"「{label}」不对"


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return error_response(400, "bad_json", "请求内容不是有效的 JSON")
    first = errors[0] if errors else {"loc": ("body",), "type": ""}
    field = _field_of(first.get("loc", ()))
    return error_response(422, "invalid", _describe(first, field), field=field)


# -- the rest -----------------------------------------------------------------------------------


async def _on_control(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ControlError)
    field = exc.field if isinstance(exc, Refused) else None
    retry: int | None = None
    if isinstance(exc, TooMany | LoginRefused) and exc.retry_after > 0:
        retry = exc.retry_after
    if isinstance(exc, BadFile):  # every mistake of the file, for the person to fix at once
        body = error_body(exc.code, exc.message)
        body["problems"] = [
            {"where": p.where, "expected": p.expected, "found": p.found, "hint": p.hint}
            for p in exc.problems
        ]
        return JSONResponse(body, status_code=exc.status)
    return error_response(exc.status, exc.code, exc.message, field=field, retry_after=retry)


async def _on_api(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, field=exc.field, headers=exc.headers)


_HTTP: Mapping[int, tuple[str, str]] = {
    401: ("not_signed_in", "请先登录"),
    403: ("forbidden", "没有权限"),
    404: ("not_found", "找不到这个地址"),
    413: ("too_large", "请求内容太大"),
    415: ("unsupported_media_type", "请求内容必须是 JSON(Content-Type: application/json)"),
}


def _allowed(request: Request) -> str:
    """The methods of the path template this URL matches first (Starlette names only the
    first route's: `/api/setup` takes GET and POST from two routes)."""
    template, methods = None, set[str]()
    for route in iter_route_contexts(request.app.routes):
        match, _ = route.matches(request.scope)
        if match is not Match.NONE and template in (None, route.path):
            template = route.path
            methods |= set(route.methods or ())
    return ", ".join(sorted(methods))


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    status, headers = exc.status_code, dict(exc.headers or {})
    if isinstance(exc, BodyTooLarge):
        return error_response(413, "too_large", too_large_message(exc.limit))
    if status == 400:
        if _is_json(request):
            return error_response(400, "bad_json", "请求内容不是有效的 JSON")
        return error_response(400, "bad_body", "请求内容无法解析,请检查格式")
    if status == 405:
        headers["Allow"] = _allowed(request) or headers.get("Allow", "")
        msg = f"这个地址不支持 {request.method} 请求"
        return error_response(405, "method_not_allowed", msg, headers=headers)
    code, message = _HTTP.get(status, (f"http_{status}", "请求无法处理"))
    return error_response(status, code, message, headers=headers)


async def _on_bug(request: Request, exc: Exception) -> JSONResponse:
    log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal", "服务出错了,请稍后再试;如果一直这样,请联系管理员")


def install_handlers(app: FastAPI) -> None:
    """Register every handler on `app` (validation, control, HTTP, the catch-all)."""
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(ControlError, _on_control)
    app.add_exception_handler(ApiError, _on_api)
    app.add_exception_handler(HTTPException, _on_http)
    app.add_exception_handler(Exception, _on_bug)
