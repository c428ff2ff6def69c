using Microsoft.AspNetCore.Http.HttpResults;
using PrivateRag.Core.Answering;
using PrivateRag.Web.Auth;

namespace PrivateRag.Web.Api;

/// <summary>The caller's own conversations; others' are "not found".</summary>
public static class ConversationsApi
{
    public sealed record RenameDto(string? Title);
    public sealed record FeedbackDto(int Rating, string? Comment);

    public static RouteGroupBuilder MapConversationsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/conversations").RequireAuthorization().WithTags("Conversations");
        group.MapGet("/", async (string? search, HttpContext http, ConversationService conversations) =>
            TypedResults.Ok(await conversations.ListAsync(await http.RequireAccessAsync(), search, http.RequestAborted)));
        group.MapGet("/{id:guid}", async Task<Results<Ok<ConversationDetail>, NotFound>> (Guid id, HttpContext http, ConversationService conversations) =>
            await conversations.GetAsync(id, await http.RequireAccessAsync(), http.RequestAborted) is { } c ? TypedResults.Ok(c) : TypedResults.NotFound());
        group.MapPatch("/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, RenameDto body, HttpContext http, ConversationService conversations) =>
            await conversations.RenameAsync(id, body.Title ?? "", await http.RequireAccessAsync(), http.RequestAborted) ? TypedResults.NoContent() : TypedResults.NotFound());
        group.MapDelete("/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, HttpContext http, ConversationService conversations) =>
            await conversations.DeleteAsync(id, await http.RequireAccessAsync(), http.RequestAborted) ? TypedResults.NoContent() : TypedResults.NotFound());
        routes.MapPost("/api/messages/{id:guid}/feedback", async Task<Results<NoContent, NotFound>> (Guid id, FeedbackDto body, HttpContext http, ConversationService conversations) =>
            await conversations.SetFeedbackAsync(id, body.Rating, body.Comment, await http.RequireAccessAsync(), http.RequestAborted) ? TypedResults.NoContent() : TypedResults.NotFound())
            .RequireAuthorization().WithTags("Conversations");
        return group;
    }
}
