using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PrivateRag.Web.Tests.Api;

/// <summary>Folder sources over <c>/api</c>: only under Sources:AllowedRoots, admins only, sync on demand with figures, status with progress.</summary>
public sealed class FolderSourcesApiTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "privaterag-source-roots", Guid.NewGuid().ToString("N"));

    public FolderSourcesApiTests() => Directory.CreateDirectory(Path.Combine(_root, "share"));

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_folder_under_an_allowed_root_syncs_on_demand_and_reports_its_figures_and_status()
    {
        await using var app = new PrivateRagAppFactory(new Dictionary<string, string?> { ["Sources:AllowedRoots:0"] = _root, ["Sources:Scheduler"] = "false" });
        var admin = app.CreateClientWithKey();
        var collection = await admin.CreateCollectionAsync("share", new { everyone = true });
        var share = Path.Combine(_root, "share");
        await File.WriteAllTextAsync(Path.Combine(share, "tides.md"), "# Tides\n\nThe harbour tide table is posted at the lighthouse.");
        await File.WriteAllTextAsync(Path.Combine(share, "ferry.txt"), "The ferry leaves at nine from pier four.");

        var outside = await admin.PostAsJsonAsync($"/api/collections/{collection}/sources", new { kind = "folder", path = Path.GetTempPath() });
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        Assert.Contains("AllowedRoots", await outside.Content.ReadAsStringAsync());

        var added = await admin.PostAsJsonAsync($"/api/collections/{collection}/sources", new { kind = "folder", path = share, include = new[] { "*.md", "*.txt" }, intervalMinutes = 0 });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var source = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var sync = await (await admin.PostAsync($"/api/sources/{source}/sync", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, sync.GetProperty("added").GetInt32());
        Assert.Equal(0, sync.GetProperty("failed").GetInt32());
        File.Delete(Path.Combine(share, "ferry.txt"));
        var again = await (await admin.PostAsync($"/api/collections/{collection}/sources/sync", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((1, 1), (again.GetProperty("unchanged").GetInt32(), again.GetProperty("removed").GetInt32()));

        var status = await admin.GetFromJsonAsync<JsonElement>($"/api/sources/{source}");
        Assert.Equal("idle", status.GetProperty("state").GetString());
        Assert.Equal(1, status.GetProperty("lastRun").GetProperty("seen").GetInt32());
        Assert.Equal(1, status.GetProperty("progress").GetProperty("total").GetInt32());
        Assert.Single((await admin.GetFromJsonAsync<JsonElement>($"/api/collections/{collection}/sources")).EnumerateArray());

        var documents = await admin.GetFromJsonAsync<JsonElement>($"/api/collections/{collection}/documents");
        var tides = Assert.Single(documents.EnumerateArray());
        Assert.Equal("indexed", (await admin.WaitForDocumentAsync(tides.GetProperty("id").GetGuid())).GetProperty("status").GetString());
        var search = await (await admin.PostAsJsonAsync("/api/search", new { query = "harbour tide lighthouse" })).Content.ReadAsStringAsync();
        Assert.Contains("tides.md", search);
    }

    [Fact]
    public async Task Without_allowed_roots_the_api_refuses_folder_sources_and_plain_users_get_403()
    {
        await using var app = new PrivateRagAppFactory(new Dictionary<string, string?> { ["Sources:Scheduler"] = "false" });
        var admin = app.CreateClientWithKey();
        var collection = await admin.CreateCollectionAsync("share2", new { everyone = true });
        var refused = await admin.PostAsJsonAsync($"/api/collections/{collection}/sources", new { kind = "folder", path = _root });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Sources:AllowedRoots", await refused.Content.ReadAsStringAsync());
        var sharepoint = await admin.PostAsJsonAsync($"/api/collections/{collection}/sources", new { kind = "sharepoint", path = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, sharepoint.StatusCode);

        var user = app.CreateClientWithKey(await Security.Browser.CreateKeyAsync(admin, "reader", role: "user"));
        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync($"/api/collections/{collection}/sources")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.PostAsync($"/api/sources/{Guid.NewGuid()}/sync", null)).StatusCode);
    }
}
