using System.Net;

namespace PrivateRag.Web.Tests.Api;

public sealed class OversizedUploadTests : IAsyncLifetime
{
    private readonly PrivateRagAppFactory _app = new(new Dictionary<string, string?> { ["Uploads:MaxFileBytes"] = "2048" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_file_over_the_limit_gets_413_naming_the_limit()
    {
        var client = _app.CreateClientWithKey();
        var collection = await client.CreateCollectionAsync("c");
        using var form = new MultipartFormDataContent { { new ByteArrayContent(new byte[10_000]), "file", "big.txt" } };
        var response = await client.PostAsync($"/api/collections/{collection}/documents", form);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Uploads:MaxFileBytes", await response.Content.ReadAsStringAsync());
    }
}
