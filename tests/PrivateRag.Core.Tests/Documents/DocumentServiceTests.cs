using System.Text;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Tests.Support;

namespace PrivateRag.Core.Tests.Documents;

public sealed class DocumentServiceTests
{
    private static MemoryStream Text(string s) => new(Encoding.UTF8.GetBytes(s));

    [Fact]
    public async Task Reuploading_the_same_bytes_returns_the_existing_document()
    {
        await using var host = await CoreTestHost.StartAsync();
        var collection = await host.Get<CollectionService>().CreateAsync(new CreateCollection("c"));
        var documents = host.Get<DocumentService>();
        var first = await documents.UploadAsync(collection.Id, "a.txt", Text("same bytes"), CoreTestHost.Admin);
        var second = await documents.UploadAsync(collection.Id, "renamed.txt", Text("same bytes"), CoreTestHost.Admin);
        Assert.False(first.Duplicate);
        Assert.True(second.Duplicate);
        Assert.Equal(first.Document.Id, second.Document.Id);
        Assert.Single(await documents.ListAsync(collection.Id, CoreTestHost.Admin));
        Assert.Equal(1, await PendingJobsAsync(host));
    }

    [Fact]
    public async Task The_same_bytes_in_another_collection_are_another_document()
    {
        await using var host = await CoreTestHost.StartAsync();
        var c1 = await host.Get<CollectionService>().CreateAsync(new CreateCollection("one"));
        var c2 = await host.Get<CollectionService>().CreateAsync(new CreateCollection("two"));
        var documents = host.Get<DocumentService>();
        var a = await documents.UploadAsync(c1.Id, "a.txt", Text("shared"), CoreTestHost.Admin);
        var b = await documents.UploadAsync(c2.Id, "a.txt", Text("shared"), CoreTestHost.Admin);
        Assert.NotEqual(a.Document.Id, b.Document.Id);
    }

    [Fact]
    public async Task An_unsupported_file_is_recorded_as_failed_with_the_reason_and_not_queued()
    {
        await using var host = await CoreTestHost.StartAsync();
        var collection = await host.Get<CollectionService>().CreateAsync(new CreateCollection("c"));
        var result = await host.Get<DocumentService>().UploadAsync(collection.Id, "tool.exe", Text("MZ"), CoreTestHost.Admin);
        Assert.Equal(DocumentStatus.Failed, result.Document.Status);
        Assert.Equal(RejectReason.Unsupported, result.Document.FailureReason);
        Assert.Contains(".exe", result.Document.Error);
        Assert.Equal(0, await PendingJobsAsync(host));
    }

    [Fact]
    public async Task An_oversized_upload_is_refused_with_the_limit_named_and_nothing_is_recorded()
    {
        await using var host = await CoreTestHost.StartAsync(configure: s => s["Uploads:MaxFileBytes"] = "1024");
        var collection = await host.Get<CollectionService>().CreateAsync(new CreateCollection("c"));
        var documents = host.Get<DocumentService>();
        var e = await Assert.ThrowsAsync<PayloadTooLargeException>(() =>
            documents.UploadAsync(collection.Id, "big.txt", new MemoryStream(new byte[4096]), CoreTestHost.Admin));
        Assert.Contains("Uploads:MaxFileBytes", e.Message);
        Assert.Empty(await documents.ListAsync(collection.Id, CoreTestHost.Admin));
    }

    [Fact]
    public async Task Only_admins_upload_and_an_unknown_collection_is_not_found()
    {
        await using var host = await CoreTestHost.StartAsync();
        var collection = await host.Get<CollectionService>().CreateAsync(new CreateCollection("c", Access: new CollectionAccessRule(Everyone: true)));
        var documents = host.Get<DocumentService>();
        await Assert.ThrowsAsync<ForbiddenException>(() => documents.UploadAsync(collection.Id, "a.txt", Text("x"), CoreTestHost.User("bob")));
        await Assert.ThrowsAsync<NotFoundException>(() => documents.UploadAsync(Guid.NewGuid(), "a.txt", Text("x"), CoreTestHost.Admin));
    }

    [Fact]
    public async Task A_document_in_a_collection_the_caller_cannot_read_is_not_found()
    {
        await using var host = await CoreTestHost.StartAsync();
        var secret = await host.Get<CollectionService>().CreateAsync(new CreateCollection("hr", Access: new CollectionAccessRule(Groups: ["hr"])));
        var uploaded = await host.Get<DocumentService>().UploadAsync(secret.Id, "salaries.txt", Text("salary bands"), CoreTestHost.Admin);
        var documents = host.Get<DocumentService>();
        Assert.Null(await documents.FindReadableAsync(uploaded.Document.Id, CoreTestHost.User("bob", "engineering")));
        Assert.Null(await documents.OpenReadableAsync(uploaded.Document.Id, CoreTestHost.User("bob", "engineering")));
        Assert.NotNull(await documents.FindReadableAsync(uploaded.Document.Id, CoreTestHost.User("alice", "hr")));
        await Assert.ThrowsAsync<NotFoundException>(() => documents.ListAsync(secret.Id, CoreTestHost.User("bob")));
    }

    [Fact]
    public async Task Deleting_a_document_removes_its_chunks_and_its_unreferenced_blob()
    {
        await using var host = await CoreTestHost.StartAsync();
        var collection = await host.Get<CollectionService>().CreateAsync(new CreateCollection("c"));
        var documents = host.Get<DocumentService>();
        var uploaded = await documents.UploadAsync(collection.Id, "a.txt", Text("delete me please"), CoreTestHost.Admin);
        var id = uploaded.Document.Id;
        await host.Get<IChunkIndex>().ReplaceDocumentAsync(id,
            [new IndexedChunk(IndexedChunk.MakeId(id, 0), id, collection.Id, "a.txt", 0, 1, 1, null, 0, 16, "delete me please")]);
        Assert.True(await documents.DeleteAsync(id, CoreTestHost.Admin));
        Assert.Empty(await host.Get<IChunkIndex>().GetDocumentChunksAsync(id, IndexFilter.For(collection.Id)));
        Assert.DoesNotContain(Directory.EnumerateFiles(Path.Combine(host.DataPath, "blobs"), "*", SearchOption.AllDirectories),
            f => !f.Contains("/tmp/"));
        Assert.False(await documents.DeleteAsync(id, CoreTestHost.Admin));
    }

    private static async Task<int> PendingJobsAsync(CoreTestHost host)
    {
        await using var db = await host.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<PrivateRag.Core.Storage.PrivateRagDbContext>>().CreateDbContextAsync();
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.IngestionJobs, j => j.State == JobState.Pending || j.State == JobState.Leased);
    }
}
