using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PrivateRag.Core.Operations;

namespace PrivateRag.Hosting;

/// <summary>
/// The same two health endpoints on every host: <c>/health/live</c> (the process answers; no checks) and
/// <c>/health/ready</c> (every check tagged <see cref="HealthTags.Ready"/>: on web and worker nodes the store and index,
/// on inference nodes the models). Both are anonymous and answer JSON: <c>{status, checks: [{name, status, description}]}</c>.
/// </summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapPrivateRagHealth(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).AllowAnonymous();
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(HealthTags.Ready), ResponseWriter = WriteAsync })
            .AllowAnonymous();
        return routes;
    }

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(http.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }),
        }, JsonSerializerOptions.Web, http.RequestAborted);
    }
}
