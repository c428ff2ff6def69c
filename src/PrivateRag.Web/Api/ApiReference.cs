using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using PrivateRag.Web.Auth;
using Scalar.AspNetCore;

namespace PrivateRag.Web.Api;

/// <summary>
/// The OpenAPI document of <c>/api</c> and <c>/v1</c>, generated from the mapped endpoints (their typed results give the
/// response shapes; <see cref="ErrorResponses"/> adds the errors every endpoint can answer), and Scalar's interactive
/// reference of it for signed-in admins at <c>/admin/api</c>, served from this app under its own Content-Security-Policy.
/// </summary>
public static class ApiReference
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";
    public const string PagePath = "/admin/api";

    public static IServiceCollection AddPrivateRagApiReference(this IServiceCollection services)
    {
        services.AddOpenApi(DocumentName, o =>
        {
            // The REST surfaces only: not the UI's endpoints, not /mcp (JSON-RPC, described by the tools themselves).
            o.ShouldInclude = d => d.RelativePath is { } path && (path == "api" || path.StartsWith("api/", StringComparison.Ordinal) || path.StartsWith("v1/", StringComparison.Ordinal));
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "PrivateRag API",
                    Version = DocumentName,
                    Description = "Collections, documents, search and grounded chat (/api), and the OpenAI-compatible chat " +
                                  "(/v1). Send an API key or an Entra ID token as 'Authorization: Bearer TOKEN'. Every " +
                                  "call acts as that caller: collections they may not read are 'not found'.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An API key (privaterag apikey create, or POST /api/apikeys) or an Entra ID access token.",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
                return Task.CompletedTask;
            });
            o.AddOperationTransformer<ErrorResponses>();
        });
        return services;
    }

    private const string BearerScheme = "bearer";

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder routes)
    {
        // Anyone signed in may read the description of what they can call (scripts generate clients from it).
        routes.MapOpenApi("/openapi/{documentName}.json").RequireAuthorization();
        routes.MapScalarApiReference(PagePath, (o, http) =>
            {
                o.WithTitle("PrivateRag API").WithOpenApiRoutePattern("/openapi/{documentName}.json");
                o.AddDocument(DocumentName, "PrivateRag API");
                // Nothing from other origins: no web fonts, no request proxy, no telemetry (the CSP would block them).
                o.DefaultFonts = false;
                o.ProxyUrl = null;
                o.Telemetry = false;
                // Scalar's hosted extras (AI chat, its MCP and SDK promotions, the developer toolbar) talk to scalar.com.
                o.Agent = new ScalarAgentOptions { Disabled = true };
                o.Mcp = new ScalarMcpOptions { Disabled = true };
                o.ShowDeveloperTools = DeveloperToolsVisibility.Never;
                // The page's one inline script carries the nonce SecurityHeadersMiddleware put in this response's CSP.
                o.Nonce = http.Items[ApiReferencePage.NonceKey] as string;
                // Before Scalar's bundle: Zod (in the bundle) probes eval with Function('') unless its global config says
                // "jitless". That probe is the "script-src eval" violation the browser reported when a group was opened
                // (ApiReferenceTests fails without this line); Zod then parses without compiling, as it does anyway
                // after a refused probe, so nothing is lost and no 'unsafe-eval' is needed.
                o.HeadContent = "<script src=\"/js/scalar-jitless.js\"></script>";
            })
            .RequireAuthorization(Policies.Admin)
            .WithMetadata(new ApiReferencePage())
            .ExcludeFromDescription();
        return routes;
    }

    /// <summary>
    /// The errors the pipeline answers for every endpoint, which the handlers' own result types do not show: 400 for a
    /// body that cannot be read or fails validation (problem details from <c>ErrorMapping</c>), 401 without a valid
    /// bearer token, 403 for admin endpoints, 413 for an oversized body, 429 past the caller's rate limit.
    /// </summary>
    internal sealed class ErrorResponses : IOpenApiOperationTransformer
    {
        public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var authorize = metadata.OfType<IAuthorizeData>().ToList();
            var problem = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken);
            operation.Responses ??= new OpenApiResponses();

            void Add(int status, string description, bool body = true)
            {
                var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (operation.Responses.ContainsKey(key)) return;
                operation.Responses[key] = new OpenApiResponse
                {
                    Description = description,
                    Content = body ? new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = problem } } : null,
                };
            }

            var method = context.Description.HttpMethod ?? "GET";
            if (method is "POST" or "PUT" or "PATCH" || context.Description.ParameterDescriptions.Count > 0)
                Add(StatusCodes.Status400BadRequest, "The request is not valid; the detail says why.");
            if (authorize.Count > 0) Add(StatusCodes.Status401Unauthorized, "No valid API key or token.", body: false);
            if (authorize.Any(a => a.Policy == Policies.Admin)) Add(StatusCodes.Status403Forbidden, "The caller is not an administrator.", body: false);
            if (method is "POST" or "PUT" or "PATCH") Add(StatusCodes.Status413PayloadTooLarge, "The body is larger than the configured limit.");
            Add(StatusCodes.Status429TooManyRequests, "Too many requests from this caller; Retry-After says when to try again.");
        }
    }
}

/// <summary>Marks the API reference page: its response's CSP allows its one inline script by a fresh nonce.</summary>
public sealed class ApiReferencePage
{
    public const string NonceKey = "PrivateRag.ApiReferenceNonce";
}
