using Microsoft.AspNetCore.Http.HttpResults;
using PrivateRag.Core.Identity;
using PrivateRag.Web.Auth;

namespace PrivateRag.Web.Api;

/// <summary>Local accounts and API keys (admins only), and who the caller is (anyone signed in).</summary>
public static class AccountsApi
{
    public sealed record AddUserDto(string? UserName, string? Role, IReadOnlyList<string>? Groups, string? Password);
    public sealed record CreateKeyDto(string? Name, string? Role, string? UserName);
    public sealed record MeDto(string Subject, string Name, bool IsAdmin, IReadOnlyList<string> Groups);

    public static RouteGroupBuilder MapAccountsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/me", async (HttpContext http) =>
        {
            var who = await http.RequireAccessAsync();
            return TypedResults.Ok(new MeDto(who.Subject, who.DisplayName, who.IsAdmin, who.Groups.Order().ToList()));
        }).RequireAuthorization().WithTags("Accounts");

        var group = routes.MapGroup("/api").RequireAuthorization(Policies.Admin).WithTags("Accounts");
        group.MapGet("/users", async (AccountService accounts, CancellationToken ct) => TypedResults.Ok(await accounts.ListUsersAsync(ct)));
        group.MapPost("/users", async (AddUserDto body, AccountService accounts, CancellationToken ct) =>
            TypedResults.Ok(await accounts.AddOrUpdateUserAsync(body.UserName ?? "", body.Role ?? "user", body.Groups ?? [], body.Password, ct)));
        group.MapGet("/apikeys", async (AccountService accounts, CancellationToken ct) => TypedResults.Ok(await accounts.ListApiKeysAsync(ct)));
        group.MapPost("/apikeys", async (CreateKeyDto body, AccountService accounts, CancellationToken ct) =>
        {
            var created = await accounts.CreateApiKeyAsync(body.Name ?? "key", body.UserName is null ? body.Role ?? "user" : null, body.UserName, ct: ct);
            return TypedResults.Ok(new { created.Info.Id, created.Info.Name, created.Info.Role, created.Info.UserName, Key = created.Secret });
        });
        group.MapDelete("/apikeys/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, AccountService accounts, CancellationToken ct) =>
            await accounts.RevokeApiKeyAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound());
        // The other admin surface over accounts: who did what (mapped here so Program.cs needs no new line).
        routes.MapAuditApi();
        return group;
    }
}
