from tests.support.http import ApiClient, PageClient
from tests.support.world import World


async def test_login_and_token(world: World, pages: PageClient, api: ApiClient) -> None:
    response = await pages.login(world.users["admin"])
    assert response.headers["location"] == "/admin/schools"
    await api.login(world.users["head"])
    assert "Bearer" in api.client.headers["Authorization"]
