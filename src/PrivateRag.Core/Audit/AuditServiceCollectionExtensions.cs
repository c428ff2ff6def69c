using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PrivateRag.Core.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>The audit log (safe to call more than once). The clean-up runs where <see cref="AddPrivateRagAuditRetention"/> is called.</summary>
    public static IServiceCollection AddPrivateRagAudit(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(StoreAuditLog))) return services;
        services.AddOptions<AuditOptions>().Bind(configuration.GetSection(AuditOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StoreAuditLog>();
        services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<StoreAuditLog>());
        return services;
    }

    public static IServiceCollection AddPrivateRagAuditRetention(this IServiceCollection services)
    {
        services.AddHostedService<AuditRetention>();
        return services;
    }
}
