using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PrivateRag.Core;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Operations;
using PrivateRag.Core.Retrieval;
using PrivateRag.Core.Text;
using PrivateRag.Hosting;
using PrivateRag.Inference;
using PrivateRag.Inference.Catalog;
using PrivateRag.Ingest;
using PrivateRag.Web.Startup;

namespace PrivateRag.Web.Tests.Operations;

/// <summary>
/// The Add* calls of the web app's Program.cs compose in any order: the same services come out, nothing of ours is
/// registered twice, and the container can build every service, whichever call runs first.
/// </summary>
public sealed class CompositionOrderTests
{
    private static readonly (string Name, Action<WebApplicationBuilder> Add)[] ProgramOrder =
    [
        ("defaults", b => b.AddPrivateRagDefaults()),
        ("core", b => b.AddPrivateRagCore()),
        ("ingestion", b => b.AddPrivateRagIngestion()),
        ("inference", b => b.AddPrivateRagInference()),
        ("web", b => b.AddPrivateRagWeb()),
    ];

    public static TheoryData<string> Orders() =>
    [
        "defaults core ingestion inference web",
        "web inference ingestion core defaults",
        "core web defaults inference ingestion",
        "inference defaults web ingestion core",
    ];

    private static WebApplicationBuilder Compose(string order, IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PrivateRag:DataPath"] = Path.Combine(Path.GetTempPath(), "privaterag-composition", Guid.NewGuid().ToString("N")),
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        foreach (var name in order.Split(' ')) ProgramOrder.Single(c => c.Name == name).Add(builder);
        return builder;
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public void Any_order_registers_the_same_services_and_resolves_each_to_the_same_implementation(string order)
    {
        var expected = Compose("defaults core ingestion inference web").Services;
        var actual = Compose(order).Services;

        // Differences, not whole lists, so a failure names the registration that moved.
        None("registered only in this order", Without(All(actual), All(expected)));
        None("registered only in Program.cs's order", Without(All(expected), All(actual)));
        None("resolved only in this order", Without(Resolved(actual), Resolved(expected)));
        None("resolved only in Program.cs's order", Without(Resolved(expected), Resolved(actual)));
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public void Nothing_of_ours_is_registered_twice(string order)
    {
        var services = Compose(order, new Dictionary<string, string?>
        {
            // With remote models the inference services are registered too, without loading anything.
            ["Models:Chat:Endpoint"] = "http://127.0.0.1:9/v1",
            ["Models:Chat:ModelName"] = "chat",
            ["Models:Embedding:Endpoint"] = "http://127.0.0.1:9/v1",
            ["Models:Embedding:ModelName"] = "embedding",
        }).Services;

        var twice = services
            .Where(d => IsOurs(d.ServiceType) && d.ServiceType != typeof(IStartupTask))
            .GroupBy(d => (d.ServiceType, d.ServiceKey))
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key.ServiceType.Name} ({g.Count()}x)")
            .ToList();
        Assert.Empty(twice);

        var hostedTwice = services.Where(d => d.ServiceType == typeof(IHostedService) && !d.IsKeyedService && d.ImplementationType is not null)
            .GroupBy(d => d.ImplementationType!).Where(g => g.Count() > 1).Select(g => g.Key.Name).ToList();
        Assert.Empty(hostedTwice);
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public void Every_service_can_be_built_whatever_ran_first(string order)
    {
        var builder = Compose(order);
        builder.Host.UseDefaultServiceProvider(o =>
        {
            o.ValidateOnBuild = true;
            o.ValidateScopes = true;
        });
        using var app = builder.Build();
        var services = app.Services;

        Assert.IsType<InstrumentedRetriever>(services.GetRequiredService<IRetriever>());
        Assert.Null(services.GetRequiredService<ModelCapabilities>().Chat);
        Assert.IsType<ApproximateTokenCounter>(services.GetRequiredService<ITokenCounter>());
        Assert.NotNull(services.GetRequiredService<IChunkIndex>());
        Assert.IsType<StoreAuditLog>(services.GetRequiredService<IAuditLog>());
        Assert.IsType<Auth.HttpAuditActor>(services.GetRequiredService<IAuditActor>());
        Assert.NotNull(services.GetRequiredService<ChatRateLimit>());
        Assert.NotNull(services.GetRequiredService<ModelDownloads>());
        Assert.Null(services.GetService<IChatClient>());
        Assert.NotEmpty(services.GetServices<IHostedService>());
    }

    private static bool IsOurs(Type type) =>
        type.Assembly.GetName().Name!.StartsWith("PrivateRag", StringComparison.Ordinal)
        || type == typeof(IChatClient) || type == typeof(IEmbeddingGenerator<string, Embedding<float>>);

    /// <summary>Every registration, as a sorted list (order-independent).</summary>
    private static List<string> All(IServiceCollection services) => [.. services.Select(Describe).Order(StringComparer.Ordinal)];

    /// <summary>
    /// For each service resolved one at a time, the registration it gets: the last one. Services that are resolved as
    /// a list (hosted services, start-up tasks, options set-up) are compared as a set by <see cref="All"/>: their order
    /// is the order of the Add* calls, and nothing here depends on it (start-up tasks run before any hosted service).
    /// </summary>
    private static List<string> Resolved(IServiceCollection services) =>
        [.. services.Where(d => !IsList(d.ServiceType)).GroupBy(d => (d.ServiceType, d.ServiceKey)).Select(g => Describe(g.Last())).Order(StringComparer.Ordinal)];

    private static bool IsList(Type type) =>
        type == typeof(IHostedService) || type == typeof(IStartupTask)
        || (type.IsGenericType && type.Namespace == "Microsoft.Extensions.Options" && type.GetGenericTypeDefinition() != typeof(Microsoft.Extensions.Options.IOptions<>));

    private static void None(string what, List<string> registrations) =>
        Assert.True(registrations.Count == 0, $"{what}:\n{string.Join("\n", registrations)}");

    /// <summary>What <paramref name="these"/> has beyond <paramref name="those"/>, counting duplicates.</summary>
    private static List<string> Without(List<string> these, List<string> those)
    {
        var left = new List<string>(these);
        foreach (var item in those) left.Remove(item);
        return left;
    }

    private static string Describe(ServiceDescriptor d)
    {
        var implementation = d.IsKeyedService
            ? d.KeyedImplementationType?.FullName ?? d.KeyedImplementationInstance?.GetType().FullName ?? Method(d.KeyedImplementationFactory?.Method)
            : d.ImplementationType?.FullName ?? d.ImplementationInstance?.GetType().FullName ?? Method(d.ImplementationFactory?.Method);
        return $"{d.ServiceType.FullName}|{d.ServiceKey}|{d.Lifetime}|{implementation}";
    }

    private static string Method(System.Reflection.MethodInfo? method) =>
        method is null ? "?" : $"{method.DeclaringType?.FullName}.{method.Name}";
}
