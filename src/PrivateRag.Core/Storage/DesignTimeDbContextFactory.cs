using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace PrivateRag.Core.Storage;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the app.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<PrivateRagDbContext>
{
    public PrivateRagDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PrivateRagDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
