from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='Order',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('product_id', models.BigIntegerField(db_index=True)),
                ('quantity', models.IntegerField(default=1)),
            ],
            options={
                'db_table': 'orders_order',
                'ordering': ('-product_id', 'id'),
            },
        ),
    ]
