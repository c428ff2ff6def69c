using Microsoft.AspNetCore.Http.HttpResults;
using PrivateRag.Core.Sources;
using PrivateRag.Ingest.Sources;
using PrivateRag.Web.Auth;

namespace PrivateRag.Web.Api;

/// <summary>
/// A collection's sources (folders kept in sync): add, list, status with progress, and sync on demand. Admins only.
/// A folder must lie under <c>Sources:AllowedRoots</c> to be added here (the CLI may add any folder).
/// </summary>
public static class FolderSourcesApi
{
    public sealed record AddSourceDto(string? Kind, string? Path, IReadOnlyList<string>? Include, IReadOnlyList<string>? Exclude, long? MaxFileBytes, int? IntervalMinutes);

    public sealed record SourceDto(
        Guid Id, Guid CollectionId, string Kind, string Path, IReadOnlyList<string> Include, IReadOnlyList<string> Exclude, long MaxFileBytes,
        int IntervalMinutes, string State, DateTimeOffset? LastRunStartedAt, DateTimeOffset? LastRunFinishedAt, DateTimeOffset? NextRunAt,
        SourceRunDto LastRun, SourceProgressDto Progress, string? LastError);

    public sealed record SourceRunDto(int Seen, int Added, int Changed, int Renamed, int Removed, int Unchanged, int Failed);

    public sealed record SourceProgressDto(int Done, int Total);

    public sealed record SyncResultDto(int Added, int Changed, int Renamed, int Removed, int Unchanged, int Failed, int Seen, int AccessChanged,
        IReadOnlyList<SyncFailure> Failures, double Seconds);

    public static IEndpointRouteBuilder MapFolderSourcesApi(this IEndpointRouteBuilder routes)
    {
        var collections = routes.MapGroup("/api/collections/{id:guid}/sources").RequireAuthorization(Policies.Admin).WithTags("Sources");
        collections.MapGet("/", ListAsync);
        collections.MapPost("/", AddAsync);
        collections.MapPost("/sync", SyncCollectionAsync);
        var sources = routes.MapGroup("/api/sources").RequireAuthorization(Policies.Admin).WithTags("Sources");
        sources.MapGet("/{id:guid}", GetAsync);
        sources.MapPost("/{id:guid}/sync", SyncAsync);
        return routes;
    }

    private static async Task<Ok<List<SourceDto>>> ListAsync(Guid id, SourceService sources, CancellationToken ct) =>
        TypedResults.Ok((await sources.ListAsync(id, ct)).Select(ToDto).ToList());

    /// <summary><c>POST /api/collections/{id}/sources</c> <c>{kind: "folder", path, include?, exclude?, maxFileBytes?, intervalMinutes?}</c>.</summary>
    private static async Task<Created<SourceDto>> AddAsync(Guid id, AddSourceDto body, HttpContext http, SourceService sources)
    {
        if (body.Kind is { } kind && !kind.Equals("folder", StringComparison.OrdinalIgnoreCase))
            throw new Core.InvalidRequestException($"Source kind '{kind}' is not supported; 'folder' is (SharePoint/OneDrive is not built yet).");
        var source = await sources.AddFolderAsync(new AddFolderSource(id, body.Path ?? "", body.Include, body.Exclude, body.MaxFileBytes, body.IntervalMinutes ?? 60),
            await http.RequireAccessAsync(), fromApi: true, http.RequestAborted);
        return TypedResults.Created($"/api/sources/{source.Id}", ToDto(source));
    }

    private static async Task<Results<Ok<SourceDto>, NotFound>> GetAsync(Guid id, SourceService sources, CancellationToken ct) =>
        await sources.FindAsync(id, ct) is { } s ? TypedResults.Ok(ToDto(s)) : TypedResults.NotFound();

    /// <summary>Runs the sync now and answers with its figures; the queued documents are indexed by the ingestion workers.</summary>
    private static async Task<Ok<SyncResultDto>> SyncAsync(Guid id, SourceService sources, CancellationToken ct) =>
        TypedResults.Ok(ToDto(await sources.SyncAsync(id, null, ct)));

    private static async Task<Ok<SyncResultDto>> SyncCollectionAsync(Guid id, SourceService sources, CancellationToken ct) =>
        TypedResults.Ok(ToDto(await sources.SyncCollectionAsync(id, null, ct)));

    private static SyncResultDto ToDto(SyncResult r) =>
        new(r.Added, r.Changed, r.Renamed, r.Removed, r.Unchanged, r.Failed, r.Seen, r.AccessChanged, r.Failures, Math.Round(r.Seconds, 3));

    private static SourceDto ToDto(Source s) => new(
        s.Id, s.CollectionId, s.Kind.ToString().ToLowerInvariant(), s.Location,
        FolderSync.Patterns(s.Include).Select(g => g.Pattern).ToList(), FolderSync.Patterns(s.Exclude).Select(g => g.Pattern).ToList(),
        s.MaxFileBytes, s.IntervalMinutes, s.State.ToString().ToLowerInvariant(), s.LastRunStartedAt, s.LastRunFinishedAt, s.NextRunAt,
        new SourceRunDto(s.Seen, s.Added, s.Changed, s.Renamed, s.Removed, s.Unchanged, s.Failed), new SourceProgressDto(s.ProgressDone, s.ProgressTotal), s.LastError);
}
