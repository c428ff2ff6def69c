using System.Net.Http.Json;
using System.Text.Json;

namespace PrivateRag.Web.Tests.Api;

internal static class ApiClientExtensions
{
    /// <summary>
    /// How long a document may take to be indexed. Ingestion competes for two cores with the other test assemblies
    /// (and starts a child process per parsed file), so a queue of small files has taken over 90 s under load.
    /// </summary>
    public static readonly TimeSpan IndexingWait = TimeSpan.FromMinutes(5);

    public static async Task<Guid> CreateCollectionAsync(this HttpClient client, string name, object? access = null)
    {
        var response = await client.PostAsJsonAsync("/api/collections", new { name, access });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> UploadAsync(this HttpClient client, Guid collectionId, params (string Name, byte[] Bytes)[] files)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in files) form.Add(new ByteArrayContent(bytes), "file", name);
        var response = await client.PostAsync($"/api/collections/{collectionId}/documents", form);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Polls a document until it leaves queued/processing (or the time is up) and returns it.</summary>
    public static async Task<JsonElement> WaitForDocumentAsync(this HttpClient client, Guid id, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? IndexingWait);
        while (true)
        {
            var doc = await client.GetFromJsonAsync<JsonElement>($"/api/documents/{id}");
            var status = doc.GetProperty("status").GetString();
            if (status is "indexed" or "failed" || DateTime.UtcNow > deadline) return doc;
            await Task.Delay(200);
        }
    }
}
