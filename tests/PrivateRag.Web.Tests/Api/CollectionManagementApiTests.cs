using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace PrivateRag.Web.Tests.Api;

/// <summary>The admin endpoints behind the collection pages: edit, delete, a page of documents, retry, names to grant, chunks.</summary>
public sealed class CollectionManagementApiTests : IAsyncLifetime
{
    private readonly PrivateRagAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>Each new endpoint: (method, path with {c} for a collection id and {d} for a document id).</summary>
    public static TheoryData<string, string> AdminEndpoints => new()
    {
        { "PUT", "/api/collections/{c}" },
        { "DELETE", "/api/collections/{c}" },
        { "GET", "/api/collections/{c}/documents/page" },
        { "POST", "/api/collections/{c}/documents/retry-failed" },
        { "GET", "/api/collections/principals" },
        { "GET", "/api/documents/{d}/chunks" },
    };

    [Theory]
    [MemberData(nameof(AdminEndpoints))]
    public async Task Anonymous_gets_401_a_user_403_and_nothing_changes(string method, string template)
    {
        var admin = _app.CreateClientWithKey();
        var (collection, document) = await SeedAsync(admin, "Open", everyone: true);
        var path = template.Replace("{c}", collection.ToString(), StringComparison.Ordinal).Replace("{d}", document.ToString(), StringComparison.Ordinal);
        var anonymous = _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var user = _app.CreateClientWithKey(await UserKeyAsync(admin, "bob"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(Request(method, path))).StatusCode);
        var forbidden = await user.SendAsync(Request(method, path));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        // A user reads the collection (everyone may) but gets none of the admin views' content.
        Assert.DoesNotContain("handbook.txt", await forbidden.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var still = await admin.GetFromJsonAsync<JsonElement>($"/api/collections/{collection}");
        Assert.Equal("Open", still.GetProperty("name").GetString());
        Assert.Equal(1, still.GetProperty("documents").GetInt32());
    }

    [Fact]
    public async Task An_admin_renames_a_collection_and_a_taken_name_is_a_conflict()
    {
        var admin = _app.CreateClientWithKey();
        var (collection, _) = await SeedAsync(admin, "Handbook", everyone: true);
        await admin.CreateCollectionAsync("Finance");

        var renamed = await admin.PutAsJsonAsync($"/api/collections/{collection}", new { name = " Staff handbook ", description = "Rules" });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var body = await renamed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Staff handbook", body.GetProperty("name").GetString());
        Assert.Equal("Rules", body.GetProperty("description").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PutAsJsonAsync($"/api/collections/{collection}", new { name = "Finance" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync($"/api/collections/{collection}", new { name = " " })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync($"/api/collections/{Guid.NewGuid()}", new { name = "x" })).StatusCode);
    }

    [Fact]
    public async Task Changing_access_twice_keeps_exactly_the_new_grants_and_the_user_sees_the_effect()
    {
        var admin = _app.CreateClientWithKey();
        var (collection, _) = await SeedAsync(admin, "Payroll", everyone: false, groups: ["hr"]);
        var bob = _app.CreateClientWithKey(await UserKeyAsync(admin, "bob", "eng"));
        Assert.Empty((await bob.GetFromJsonAsync<JsonElement>("/api/collections")).EnumerateArray());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/api/collections/{collection}/access", new { groups = new[] { "hr", "eng" } })).StatusCode);
        Assert.Single((await bob.GetFromJsonAsync<JsonElement>("/api/collections")).EnumerateArray());
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/api/collections/{collection}/access", new { groups = new[] { "hr" }, users = new[] { "carol" } })).StatusCode);
        Assert.Empty((await bob.GetFromJsonAsync<JsonElement>("/api/collections")).EnumerateArray());

        var access = (await admin.GetFromJsonAsync<JsonElement>($"/api/collections/{collection}")).GetProperty("access");
        Assert.Equal(["hr"], access.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal(["carol"], access.GetProperty("users").EnumerateArray().Select(g => g.GetString()));
        var principals = await admin.GetFromJsonAsync<JsonElement>("/api/collections/principals");
        Assert.Contains("eng", principals.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.Contains("carol", principals.GetProperty("users").EnumerateArray().Select(g => g.GetString()));
        Assert.Contains("bob", principals.GetProperty("users").EnumerateArray().Select(g => g.GetString()));
    }

    [Fact]
    public async Task The_document_page_filters_counts_and_retries_the_failed_ones()
    {
        var admin = _app.CreateClientWithKey();
        var (collection, _) = await SeedAsync(admin, "Mixed", everyone: true);
        var uploaded = await admin.UploadAsync(collection, ("broken.pdf", Encoding.UTF8.GetBytes("%PDF-1.7 this is not really a PDF")), ("notes.txt", Encoding.UTF8.GetBytes("Meeting notes.")));
        foreach (var d in uploaded.EnumerateArray()) await admin.WaitForDocumentAsync(d.GetProperty("id").GetGuid());

        var failed = await admin.GetFromJsonAsync<JsonElement>($"/api/collections/{collection}/documents/page?status=failed");
        Assert.Equal(1, failed.GetProperty("total").GetInt32());
        Assert.Equal("broken.pdf", failed.GetProperty("items")[0].GetProperty("name").GetString());
        Assert.Equal(2, failed.GetProperty("counts").GetProperty("indexed").GetInt32());
        Assert.Equal(1, failed.GetProperty("counts").GetProperty("failed").GetInt32());
        var byName = await admin.GetFromJsonAsync<JsonElement>($"/api/collections/{collection}/documents/page?name=NOTES&pageSize=1");
        Assert.Equal("notes.txt", Assert.Single(byName.GetProperty("items").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"/api/collections/{collection}/documents/page?status=lost")).StatusCode);

        var retried = await admin.PostAsync($"/api/collections/{collection}/documents/retry-failed", null);
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        Assert.Equal(1, (await retried.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("queued").GetInt32());
    }

    [Fact]
    public async Task Chunks_of_a_document_come_from_the_index_with_offsets_and_tokens_and_deleting_the_collection_removes_everything()
    {
        var admin = _app.CreateClientWithKey();
        var (collection, document) = await SeedAsync(admin, "Handbook", everyone: true);

        var view = await admin.GetFromJsonAsync<JsonElement>($"/api/documents/{document}/chunks");
        var chunk = Assert.Single(view.GetProperty("chunks").EnumerateArray());
        Assert.Equal(0, chunk.GetProperty("charStart").GetInt32());
        Assert.True(chunk.GetProperty("tokens").GetInt32() > 5);
        Assert.Equal(1, chunk.GetProperty("pageStart").GetInt32());
        Assert.Contains("travel desk", view.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/documents/{Guid.NewGuid()}/chunks")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/collections/{collection}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/collections/{collection}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/documents/{document}")).StatusCode);
        var search = await (await admin.PostAsJsonAsync("/api/search", new { query = "travel desk" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Empty(search.GetProperty("results").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/collections/{collection}")).StatusCode);
    }

    private static async Task<(Guid Collection, Guid Document)> SeedAsync(HttpClient admin, string name, bool everyone, string[]? groups = null)
    {
        var collection = await admin.CreateCollectionAsync(name, new { everyone, groups });
        var uploaded = await admin.UploadAsync(collection, ("handbook.txt", Encoding.UTF8.GetBytes("Book all trips through the travel desk two weeks ahead.")));
        var id = uploaded[0].GetProperty("id").GetGuid();
        Assert.Equal("indexed", (await admin.WaitForDocumentAsync(id)).GetProperty("status").GetString());
        return (collection, id);
    }

    [Fact]
    public async Task A_reader_sees_the_collection_but_not_who_else_may_read_it()
    {
        var admin = _app.CreateClientWithKey();
        var collection = await admin.CreateCollectionAsync("Payroll", new { groups = new[] { "finance", "board-secret-group" }, users = new[] { "dana" } });
        var reader = _app.CreateClientWithKey(await UserKeyAsync(admin, "erin", "finance"));

        var listed = await reader.GetStringAsync("/api/collections");
        var one = await reader.GetStringAsync($"/api/collections/{collection}");

        foreach (var body in new[] { listed, one })
        {
            Assert.Contains("Payroll", body, StringComparison.Ordinal);
            Assert.DoesNotContain("board-secret-group", body, StringComparison.Ordinal);
            Assert.DoesNotContain("dana", body, StringComparison.Ordinal);
        }
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(one).RootElement.GetProperty("access").ValueKind);
        // Admins still get the grants.
        var asAdmin = await admin.GetFromJsonAsync<JsonElement>($"/api/collections/{collection}");
        Assert.Contains("board-secret-group", asAdmin.GetProperty("access").GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
    }

    [Fact]
    public async Task No_part_of_a_supplied_bootstrap_key_is_stored_listed_or_audited()
    {
        var admin = _app.CreateClientWithKey();
        await admin.CreateCollectionAsync("Anything");
        var keys = await admin.GetStringAsync("/api/apikeys");
        var audit = await admin.GetStringAsync("/api/audit?pageSize=200");
        // Any run of 6 characters of the secret would be a piece of it (shorter runs are ordinary words: "admin").
        var secret = PrivateRagAppFactory.AdminKey;
        foreach (var body in new[] { keys, audit })
        {
            for (var i = 0; i + 6 <= secret.Length; i++)
                Assert.DoesNotContain(secret.Substring(i, 6), body, StringComparison.Ordinal);
        }
        Assert.Contains("key-", keys, StringComparison.Ordinal); // the hash-derived id stands in for it
    }

    private static async Task<string> UserKeyAsync(HttpClient admin, string userName, params string[] groups)
    {
        (await admin.PostAsJsonAsync("/api/users", new { userName, role = "user", groups })).EnsureSuccessStatusCode();
        var created = await admin.PostAsJsonAsync("/api/apikeys", new { name = userName, userName });
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    private static HttpRequestMessage Request(string method, string path) =>
        new(new HttpMethod(method), path) { Content = method is "PUT" or "POST" ? JsonContent.Create(new { name = "Hijacked" }) : null };
}
