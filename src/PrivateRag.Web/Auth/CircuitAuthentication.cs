using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace PrivateRag.Web.Auth;

/// <summary>
/// The authentication state of a Blazor circuit. A circuit keeps the principal its page opened with for as long as
/// the tab stays open; this provider checks every <see cref="SessionOptions.RevalidationInterval"/> that the session
/// still stands (<see cref="AccessResolver.ResolveAsync"/>: account enabled, session version current, role still
/// granted) and signs the circuit out when not: <c>AuthorizeRouteView</c> then sends the page to the sign-in form and
/// the widget frame shows its signed-out state. <see cref="CurrentUser"/> ends it at once when an action finds the
/// session gone, without waiting for the interval.
/// </summary>
public sealed class CircuitAuthentication(ILoggerFactory logs, AccessResolver resolver, IOptions<SessionOptions> options)
    : RevalidatingServerAuthenticationStateProvider(logs)
{
    private static readonly AuthenticationState SignedOut = new(new ClaimsPrincipal(new ClaimsIdentity()));

    protected override TimeSpan RevalidationInterval => options.Value.RevalidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        authenticationState.User.Identity?.IsAuthenticated != true ||
        await resolver.ResolveAsync(authenticationState.User, cancellationToken) is not null;

    /// <summary>Signs this circuit out now (its session was found ended by an action).</summary>
    public void EndSession()
    {
        SetAuthenticationState(Task.FromResult(SignedOut));
    }
}
