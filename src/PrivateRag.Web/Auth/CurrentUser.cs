using Microsoft.AspNetCore.Components.Authorization;
using PrivateRag.Core.Access;

namespace PrivateRag.Web.Auth;

/// <summary>
/// The signed-in user of a Blazor circuit, re-resolved on each call (current role, groups, session) so access changes
/// apply to the next action. When the session has ended, the circuit is signed out at once.
/// </summary>
public sealed class CurrentUser(AuthenticationStateProvider authentication, AccessResolver resolver)
{
    public async Task<AccessContext?> GetAsync(CancellationToken ct = default)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        if (state.User.Identity?.IsAuthenticated != true) return null;
        var who = await resolver.ResolveAsync(state.User, ct);
        if (who is null && authentication is CircuitAuthentication circuit) circuit.EndSession();
        return who;
    }

    /// <summary>The user, or an exception when the session no longer stands for an account.</summary>
    public async Task<AccessContext> RequireAsync(CancellationToken ct = default) =>
        await GetAsync(ct) ?? throw new UnauthorizedAccessException("Your session has ended; sign in again.");
}
