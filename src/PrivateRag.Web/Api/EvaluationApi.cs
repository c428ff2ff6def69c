using Microsoft.AspNetCore.Http.HttpResults;
using PrivateRag.Core;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Web.Auth;

namespace PrivateRag.Web.Api;

/// <summary>
/// <c>/api/evaluation</c>: question sets (upload, from feedback, label, delete) and runs (start, follow, read,
/// cancel), for admins only — so a script can run the set after every model or chunking change.
/// </summary>
public static class EvaluationApi
{
    /// <summary>The largest question-set file accepted (the SciFact train queries are under 100 KB).</summary>
    public const long MaxFileBytes = 20 * 1024 * 1024;

    public sealed record FromFeedbackDto(string? Name, Guid? CollectionId);
    public sealed record LabelDto(string? ExpectedSources);
    public sealed record StartRunDto(Guid SetId, IReadOnlyList<Guid>? CollectionIds, bool? IncludeAnswers);

    public static RouteGroupBuilder MapEvaluationApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/evaluation").RequireAuthorization(Policies.Admin).WithTags("Evaluation");
        group.MapGet("/sets", async (HttpContext http, QuestionSetService sets, CancellationToken ct) =>
            TypedResults.Ok(await sets.ListAsync(await http.RequireAccessAsync(), ct)));
        group.MapGet("/sets/{id:guid}", GetSetAsync);
        // Multipart uploads from scripts, which send no antiforgery token (cookie calls are checked by ApiAntiforgeryMiddleware).
        group.MapPost("/sets/csv", ImportCsvAsync).DisableAntiforgery();
        group.MapPost("/sets/beir", ImportBeirAsync).DisableAntiforgery();
        group.MapPost("/sets/from-feedback", async (FromFeedbackDto body, HttpContext http, QuestionSetService sets, CancellationToken ct) =>
        {
            var set = await sets.CreateFromFeedbackAsync(await http.RequireAccessAsync(), body.Name ?? "", body.CollectionId, ct);
            return TypedResults.Created($"/api/evaluation/sets/{set.Id}", set);
        });
        group.MapDelete("/sets/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, HttpContext http, QuestionSetService sets, CancellationToken ct) =>
            await sets.DeleteAsync(await http.RequireAccessAsync(), id, ct) ? TypedResults.NoContent() : TypedResults.NotFound());
        group.MapPut("/questions/{id:guid}", async (Guid id, LabelDto body, HttpContext http, QuestionSetService sets, CancellationToken ct) =>
            TypedResults.Ok(await sets.LabelAsync(await http.RequireAccessAsync(), id, body.ExpectedSources, ct)));

        group.MapPost("/runs", StartRunAsync);
        group.MapGet("/runs", async (Guid? setId, HttpContext http, EvaluationRunService runs, CancellationToken ct) =>
            TypedResults.Ok(await runs.ListAsync(await http.RequireAccessAsync(), setId, ct)));
        group.MapGet("/runs/{id:guid}", async Task<Results<Ok<RunDetail>, NotFound>> (Guid id, HttpContext http, EvaluationRunService runs, CancellationToken ct) =>
            await runs.GetAsync(await http.RequireAccessAsync(), id, ct) is { } run ? TypedResults.Ok(run) : TypedResults.NotFound());
        group.MapPost("/runs/{id:guid}/cancel", async Task<Results<NoContent, NotFound>> (Guid id, HttpContext http, EvaluationRunService runs, CancellationToken ct) =>
            await runs.CancelAsync(await http.RequireAccessAsync(), id, ct) ? TypedResults.NoContent() : TypedResults.NotFound());
        return group;
    }

    private static async Task<Results<Ok<QuestionSetDetail>, NotFound>> GetSetAsync(Guid id, HttpContext http, QuestionSetService sets, CancellationToken ct) =>
        await sets.GetAsync(await http.RequireAccessAsync(), id, ct) is { } set ? TypedResults.Ok(set) : TypedResults.NotFound();

    /// <summary>Form fields <c>name</c>, <c>collectionId</c> and the file part <c>file</c>.</summary>
    private static async Task<Created<QuestionSetSummary>> ImportCsvAsync(HttpContext http, QuestionSetService sets, CancellationToken ct)
    {
        var form = await ReadFormAsync(http, ct);
        var file = RequireFile(form, "file");
        await using var content = file.OpenReadStream();
        var set = await sets.ImportCsvAsync(await http.RequireAccessAsync(), form["name"].ToString(), RequireCollection(form), content, file.FileName, ct);
        return TypedResults.Created($"/api/evaluation/sets/{set.Id}", set);
    }

    /// <summary>Form fields <c>name</c>, <c>collectionId</c> and the file parts <c>queries</c> and <c>qrels</c>.</summary>
    private static async Task<Created<QuestionSetSummary>> ImportBeirAsync(HttpContext http, QuestionSetService sets, CancellationToken ct)
    {
        var form = await ReadFormAsync(http, ct);
        var queries = RequireFile(form, "queries");
        var qrels = RequireFile(form, "qrels");
        await using var queriesContent = queries.OpenReadStream();
        await using var qrelsContent = qrels.OpenReadStream();
        var set = await sets.ImportBeirAsync(await http.RequireAccessAsync(), form["name"].ToString(), RequireCollection(form), queriesContent, queries.FileName, qrelsContent, qrels.FileName, ct);
        return TypedResults.Created($"/api/evaluation/sets/{set.Id}", set);
    }

    private static async Task<Accepted<RunSummary>> StartRunAsync(StartRunDto body, HttpContext http, EvaluationRunService runs, CancellationToken ct)
    {
        var run = await runs.StartAsync(await http.RequireAccessAsync(), new StartRunRequest(body.SetId, body.CollectionIds, body.IncludeAnswers ?? true), ct);
        return TypedResults.Accepted($"/api/evaluation/runs/{run.Id}", run);
    }

    private static async Task<IFormCollection> ReadFormAsync(HttpContext http, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType)
            throw new InvalidRequestException("Send the set as multipart/form-data with the fields 'name' and 'collectionId' and the file parts.");
        if (http.Request.ContentLength > MaxFileBytes * 2)
            throw new PayloadTooLargeException($"A question-set file may be at most {MaxFileBytes / (1024 * 1024)} MB.");
        return await http.Request.ReadFormAsync(ct);
    }

    private static IFormFile RequireFile(IFormCollection form, string name)
    {
        var file = form.Files.GetFile(name) ?? throw new InvalidRequestException($"The request has no '{name}' file part.");
        if (file.Length > MaxFileBytes)
            throw new PayloadTooLargeException($"'{file.FileName}' is larger than {MaxFileBytes / (1024 * 1024)} MB.");
        return file;
    }

    private static Guid RequireCollection(IFormCollection form) =>
        Guid.TryParse(form["collectionId"], out var id) ? id : throw new InvalidRequestException("The form field 'collectionId' must be a collection id.");
}
