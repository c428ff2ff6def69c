using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace PrivateRag.Core.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>
    /// The audit log, part of <see cref="CoreServiceCollectionExtensions.AddPrivateRagCore(IServiceCollection, IConfiguration)"/>
    /// (which also registers the <see cref="TimeProvider"/> it stamps entries with). Who the actor is comes from an
    /// <see cref="IAuditActor"/> when the host has one (the web app's HTTP caller). The clean-up runs where
    /// <see cref="AddPrivateRagAuditRetention"/> is called.
    /// </summary>
    public static IServiceCollection AddPrivateRagAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuditOptions>().Bind(configuration.GetSection(AuditOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
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
