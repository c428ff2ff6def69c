using Microsoft.AspNetCore.Components.Authorization;
using PrivateRag.Core.Access;

namespace PrivateRag.Web.Auth;

/// <summary>The signed-in user of a Blazor circuit, re-resolved on each call so access changes apply at once.</summary>
public sealed class CurrentUser(AuthenticationStateProvider authentication, AccessResolver resolver)
{
    public async Task<AccessContext?> GetAsync(CancellationToken ct = default)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return await resolver.ResolveAsync(state.User, ct);
    }

    /// <summary>The user, or an exception when the session no longer stands for an account.</summary>
    public async Task<AccessContext> RequireAsync(CancellationToken ct = default) =>
        await GetAsync(ct) ?? throw new UnauthorizedAccessException("Your session has ended; sign in again.");
}
