"""HTTP clients for the tests: one like a browser (cookie + CSRF), one like a script (bearer)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient

PASSWORD = "demo-pass-1"
"""Every user made by the test world has this password."""


class PageClient:
    def __init__(self, client: AsyncTestClient[Litestar]) -> None:
        self.client = client

    @classmethod
    @asynccontextmanager
    async def open(cls, app: Any) -> AsyncIterator[PageClient]:
        async with AsyncTestClient(app=app) as client:
            client.follow_redirects = False
            yield cls(client)

    @property
    def csrf_token(self) -> str:
        token = self.client.cookies.get("csrftoken")
        if token is None:
            raise AssertionError("no CSRF cookie yet: GET a page first")
        return token

    async def login(self, email: str, password: str = PASSWORD) -> httpx.Response:
        await self.client.get("/login")
        response = await self.post("/login", {"email": email, "password": password})
        assert response.status_code == 303, response.text
        return response

    async def get(self, url: str, *, htmx: bool = False, **kwargs: Any) -> httpx.Response:
        headers = {"HX-Request": "true"} if htmx else {}
        return await self.client.get(url, headers=headers, **kwargs)

    async def post(
        self,
        url: str,
        data: Mapping[str, Any] | None = None,
        *,
        files: Any = None,
        htmx: bool = False,
        csrf: bool = True,
        from_page: str | None = None,
    ) -> httpx.Response:
        """``htmx``: as htmx sends it, from the page at the path ``from_page`` if given."""
        if "csrftoken" not in self.client.cookies:
            await self.client.get("/login")
        headers = {"HX-Request": "true"} if htmx else {}
        if from_page is not None:
            headers["HX-Current-URL"] = f"http://testserver{from_page}"
        form = dict(data or {})
        if csrf:
            form["_csrf_token"] = self.csrf_token
        return await self.client.post(url, data=form, files=files, headers=headers)


class ApiClient:
    def __init__(self, client: AsyncTestClient[Litestar]) -> None:
        self.client = client

    @classmethod
    @asynccontextmanager
    async def open(cls, app: Any) -> AsyncIterator[ApiClient]:
        async with AsyncTestClient(app=app) as client:
            yield cls(client)

    async def login(self, email: str, password: str = PASSWORD) -> None:
        response = await self.client.post(
            "/api/v1/auth/token", json={"email": email, "password": password}
        )
        assert response.status_code == 200, response.text
        self.client.headers["Authorization"] = f"Bearer {response.json()['token']}"

    def logout(self) -> None:
        self.client.headers.pop("Authorization", None)

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.get(url, **kwargs)

    async def post(self, url: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        return await self.client.post(url, json=json, **kwargs)
