using Microsoft.AspNetCore.Authorization;

namespace PrivateRag.Web.Auth;

/// <summary>Requires a caller whose current account still exists (and, for admins, still has the role).</summary>
public sealed class AccessRequirement(bool admin) : IAuthorizationRequirement
{
    public bool Admin { get; } = admin;
}

public sealed class AccessRequirementHandler(IHttpContextAccessor http, AccessResolver resolver) : AuthorizationHandler<AccessRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, AccessRequirement requirement)
    {
        var who = http.HttpContext is { } httpContext && httpContext.User == context.User
            ? await httpContext.GetAccessAsync()
            : await resolver.ResolveAsync(context.User);
        if (who is not null && (!requirement.Admin || who.IsAdmin)) context.Succeed(requirement);
    }
}
