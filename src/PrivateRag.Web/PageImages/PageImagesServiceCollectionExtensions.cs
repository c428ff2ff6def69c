namespace PrivateRag.Web.PageImages;

public static class PageImagesServiceCollectionExtensions
{
    /// <summary>Cited PDF pages rendered as images for the source viewer (<see cref="PageImageRenderer"/>).</summary>
    public static IServiceCollection AddPageImages(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PageImageOptions>().Bind(configuration.GetSection(PageImageOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PageImageRenderer>();
        return services;
    }
}
