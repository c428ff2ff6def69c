using System.Text.Json;
using System.Text.Json.Serialization;

namespace PrivateRag.Web.Startup;

/// <summary>How the HTTP API answers: problem details from <see cref="ErrorMapping"/>, camelCase JSON with enums as strings.</summary>
public static class WebApi
{
    public static IServiceCollection AddPrivateRagApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<ErrorMapping>();
        // Bad JSON and missing bodies reach ErrorMapping, which says what was wrong, in every environment.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        return services;
    }
}
