using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
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
    public sealed record ChangePasswordDto(string? CurrentPassword, string? NewPassword);

    public static RouteGroupBuilder MapAccountsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/me", async (HttpContext http) =>
        {
            var who = await http.RequireAccessAsync();
            return TypedResults.Ok(new MeDto(who.Subject, who.DisplayName, who.IsAdmin, who.Groups.Order().ToList()));
        }).RequireAuthorization().WithTags("Accounts");
        var me = routes.MapGroup("/api/me").RequireAuthorization().WithTags("Accounts");
        me.MapPost("/signout-everywhere", SignOutEverywhereAsync);
        me.MapPost("/password", ChangePasswordAsync);

        var group = routes.MapGroup("/api").RequireAuthorization(Policies.Admin).WithTags("Accounts");
        group.MapGet("/users", async (AccountService accounts, CancellationToken ct) => TypedResults.Ok(await accounts.ListUsersAsync(ct)));
        group.MapPost("/users", async (AddUserDto body, AccountService accounts, CancellationToken ct) =>
            TypedResults.Ok(await accounts.AddOrUpdateUserAsync(body.UserName ?? "", body.Role ?? "user", body.Groups ?? [], body.Password, ct)));
        group.MapPost("/users/{userName}/unlock", (string userName, HttpContext http, AccountService accounts, CancellationToken ct) =>
            ApplyAsync(userName, AccountAction.Unlock, http, accounts, ct));
        group.MapPost("/users/{userName}/disable", (string userName, HttpContext http, AccountService accounts, CancellationToken ct) =>
            ApplyAsync(userName, AccountAction.Disable, http, accounts, ct));
        group.MapPost("/users/{userName}/enable", (string userName, HttpContext http, AccountService accounts, CancellationToken ct) =>
            ApplyAsync(userName, AccountAction.Enable, http, accounts, ct));
        group.MapPost("/users/{userName}/signout-everywhere", (string userName, HttpContext http, AccountService accounts, CancellationToken ct) =>
            ApplyAsync(userName, AccountAction.SignOutEverywhere, http, accounts, ct));
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

    private static async Task<Ok<UserInfo>> ApplyAsync(string userName, AccountAction action, HttpContext http, AccountService accounts, CancellationToken ct) =>
        TypedResults.Ok(await accounts.ApplyAsync(await http.RequireAccessAsync(), userName, action, ct));

    /// <summary>
    /// Ends every session of the caller: all cookies (this one too) and open pages of a local account or an Entra
    /// user. An API key is not a session: revoke it instead.
    /// </summary>
    private static async Task<Results<NoContent, BadRequest<string>>> SignOutEverywhereAsync(HttpContext http, AccountService accounts, CancellationToken ct)
    {
        var who = await http.RequireAccessAsync();
        switch (http.User.FindFirstValue(PrivateRagClaims.Kind))
        {
            case "local":
                await accounts.SignOutEverywhereAsync(who.Subject, ct);
                break;
            case "entra":
                await accounts.EndExternalSessionsAsync(AccessResolver.EntraSessionSubject(who.Subject), ct);
                break;
            default:
                return TypedResults.BadRequest("An API key is not a session; revoke the key instead (DELETE /api/apikeys/{id}).");
        }
        await http.SignOutAsync(AuthSchemes.Cookie);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// A local account's own password change (the current password is checked). Every other session ends; a browser
    /// session that made the change gets a new cookie and stays signed in.
    /// </summary>
    private static async Task<Results<NoContent, BadRequest<string>>> ChangePasswordAsync(
        ChangePasswordDto body, HttpContext http, AccountService accounts, CancellationToken ct)
    {
        var who = await http.RequireAccessAsync();
        if (http.User.FindFirstValue(PrivateRagClaims.Kind) != "local")
            return TypedResults.BadRequest("Only local accounts have a password here; Entra users change theirs at Microsoft.");
        var user = await accounts.ChangePasswordAsync(who.Subject, body.CurrentPassword ?? "", body.NewPassword ?? "", ct);
        if (ApiKeyAuthenticationHandler.BearerToken(http.Request) is null)
            await http.SignInAsync(AuthSchemes.Cookie, AccessResolver.LocalPrincipal(user), new AuthenticationProperties { IsPersistent = true });
        return TypedResults.NoContent();
    }
}
